/**
 * Turning a PATCH `value` into stored shape for complex attributes: canonical sub-attribute names,
 * no nulls, and the forms the tenant's dialect accepts for reference-like attributes (a one-element
 * array, a bare id, "" to clear: functions/scim/dialect/).
 */
import { booleanOf, clearsByEmptyValue, type Dialect } from '../dialect/dialect';
import { invalidValue } from '../scim-error';
import type { FilterNode } from '../filter/ast';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition } from '../schema/types';
import { compact, equalJson, isObject, type JsonObject } from '../../commons/json';

const hasValueSub = (definition: AttributeDefinition) => findAttribute(definition.subAttributes, 'value') !== undefined;

/** Known sub-attribute keys renamed to their canonical case; unknown keys are left for validation to judge. */
function canonicalKeys(definition: AttributeDefinition, object: JsonObject): JsonObject {
  if (Object.keys(object).every((key) => findAttribute(definition.subAttributes, key)?.name === key)) return object;
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [findAttribute(definition.subAttributes, key)?.name ?? key, item]));
}

/** A complex value once compacted; undefined when nothing is left or the dialect reads it as "clear it". */
export function presentComplex(dialect: Dialect, value: unknown): JsonObject | undefined {
  const compacted = compact(value);
  if (!isObject(compacted) || clearsByEmptyValue(dialect, compacted)) return undefined;
  return compacted;
}

/** The value of a single-valued complex attribute; undefined means "clear it". */
export function complexValue(dialect: Dialect, definition: AttributeDefinition, value: unknown): JsonObject | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length === 1 && dialect.singleValueInArray) return complexValue(dialect, definition, value[0]);
    throw invalidValue(`"${definition.name}" is single-valued: send one object, not an array.`);
  }
  if (value === null || clearsByEmptyValue(dialect, value)) return undefined;
  if (typeof value === 'string' && dialect.bareStringIsValue && hasValueSub(definition)) return { value };
  if (isObject(value)) return presentComplex(dialect, canonicalKeys(definition, value));
  throw invalidValue(`"${definition.name}" takes an object of sub-attributes.`);
}

/** One element of a multi-valued complex attribute; a bare string is its `value` where the dialect says so. */
export function elementValue(dialect: Dialect, definition: AttributeDefinition, item: unknown): JsonObject | undefined {
  if (item === null) return undefined;
  if (typeof item === 'string' && dialect.bareStringIsValue && hasValueSub(definition)) return { value: item };
  if (isObject(item)) {
    const compacted = compact(canonicalKeys(definition, item));
    return isObject(compacted) ? compacted : undefined;
  }
  throw invalidValue(`Elements of "${definition.name}" must be objects.`);
}

/** The elements a value carries (RFC clients send an array; a single element is accepted), without repeats. */
export function elementsOf(dialect: Dialect, definition: AttributeDefinition, value: unknown): JsonObject[] {
  const items = Array.isArray(value) ? value : [value];
  const elements: JsonObject[] = [];
  for (const item of items) {
    const element = elementValue(dialect, definition, item);
    if (element && !elements.some((e) => equalJson(e, element))) elements.push(element);
  }
  return elements;
}

/**
 * The element a value filter describes, from its `eq` terms: `type eq "work"` → `{type: "work"}`,
 * `primary eq true` → `{primary: true}` (the parser has read booleans as the dialect says).
 * Undefined when the filter does not pin an element down (`or`, `not`, `co`…), since then there is
 * nothing unambiguous to create.
 */
export function elementFromFilter(filter: FilterNode): JsonObject | undefined {
  switch (filter.kind) {
    case 'compare': {
      const sub = filter.attribute.subDefinition;
      if (filter.op !== 'eq' || filter.value === null || !sub) return undefined;
      return { [sub.name]: filter.value };
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

/** `primary` as sent, read by the dialect (an incoming element is validated only after the PATCH). */
export const isPrimary = (dialect: Dialect, element: unknown): boolean => isObject(element) && booleanOf(dialect, element.primary) === true;
