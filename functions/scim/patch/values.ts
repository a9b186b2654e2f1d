/**
 * Turning a PATCH `value` into stored shape for complex attributes: canonical sub-attribute names,
 * no nulls, and the lenient forms provisioning clients send for reference-like attributes
 * (Entra's manager: `[{"$ref": null, "value": "id"}]`, `"id"`, or `""` to clear).
 */
import { invalidValue } from '../errors';
import type { FilterNode } from '../filter/ast';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition } from '../schema/types';
import { compact, equalJson, isObject, type JsonObject } from './json';

const hasValueSub = (definition: AttributeDefinition) => findAttribute(definition.subAttributes, 'value') !== undefined;

/** Known sub-attribute keys renamed to their canonical case; unknown keys are left for validation to judge. */
function canonicalKeys(definition: AttributeDefinition, object: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(object).map(([key, item]) => [findAttribute(definition.subAttributes, key)?.name ?? key, item]),
  );
}

/**
 * A complex value is "nothing" once compacted, and so is one whose `value` is the empty string:
 * `{"value": ""}` is how Entra clears a manager.
 */
export function presentComplex(value: unknown): JsonObject | undefined {
  const compacted = compact(value);
  if (!isObject(compacted) || compacted.value === '') return undefined;
  return compacted;
}

/** The value of a single-valued complex attribute; undefined means "clear it". */
export function complexValue(definition: AttributeDefinition, value: unknown): JsonObject | undefined {
  if (Array.isArray(value) && value.length === 1) return complexValue(definition, value[0]);
  if (value === null) return undefined;
  if (typeof value === 'string' && hasValueSub(definition)) return value === '' ? undefined : { value };
  if (isObject(value)) return presentComplex(canonicalKeys(definition, value));
  throw invalidValue(`"${definition.name}" takes an object of sub-attributes.`);
}

/** One element of a multi-valued complex attribute; a bare string is taken as its `value`. */
export function elementValue(definition: AttributeDefinition, item: unknown): JsonObject | undefined {
  if (item === null) return undefined;
  if (typeof item === 'string' && hasValueSub(definition)) return { value: item };
  if (isObject(item)) {
    const compacted = compact(canonicalKeys(definition, item));
    return isObject(compacted) ? compacted : undefined;
  }
  throw invalidValue(`Elements of "${definition.name}" must be objects.`);
}

/** The elements a value carries (RFC clients send an array; a single element is accepted), without repeats. */
export function elementsOf(definition: AttributeDefinition, value: unknown): JsonObject[] {
  const items = Array.isArray(value) ? value : [value];
  const elements: JsonObject[] = [];
  for (const item of items) {
    const element = elementValue(definition, item);
    if (element && !elements.some((e) => equalJson(e, element))) elements.push(element);
  }
  return elements;
}

/**
 * The element a value filter describes, from its `eq` terms: `type eq "work"` → `{type: "work"}`,
 * `primary eq "True"` → `{primary: true}`. Undefined when the filter does not pin an element down
 * (`or`, `not`, `co`…), since then there is nothing unambiguous to create.
 */
export function elementFromFilter(filter: FilterNode): JsonObject | undefined {
  switch (filter.kind) {
    case 'compare': {
      const sub = filter.attribute.subDefinition;
      if (filter.op !== 'eq' || filter.value === null || !sub) return undefined;
      return { [sub.name]: termValue(sub, filter.value) };
    }
    case 'and': {
      const left = elementFromFilter(filter.left);
      const right = elementFromFilter(filter.right);
      return left && right ? { ...left, ...right } : undefined;
    }
    default:
      return undefined;
  }
}

function termValue(definition: AttributeDefinition, value: string | number | boolean): unknown {
  if (definition.type !== 'boolean' || typeof value !== 'string') return value;
  const lowered = value.toLowerCase();
  return lowered === 'true' ? true : lowered === 'false' ? false : value;
}

/** `primary` as Entra sends it: `true` or the string `"True"`. */
export const isPrimary = (element: unknown): boolean =>
  isObject(element) &&
  (element.primary === true || (typeof element.primary === 'string' && element.primary.toLowerCase() === 'true'));
