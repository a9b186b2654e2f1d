/**
 * Filter evaluation on a resource's JSON representation (RFC 7644 §3.4.2.2). Case rules come from
 * the schema (`caseExact`), so filtering and uniqueness agree; a multi-valued attribute matches
 * when any of its values does; dateTimes compare as instants.
 */
import { nfc } from '../text-values';
import { leafDefinition, type ResolvedAttribute } from '../schema/registry';
import type { AttributeDefinition, ScimResource } from '../schema/types';
import type { CompareOperator, CompareValue, FilterNode } from './ast';

type Json = Record<string, unknown>;
/** Where attribute values are read from: a whole resource, or one element inside a value filter. */
type Scope = { readonly kind: 'resource'; readonly resource: Json } | { readonly kind: 'element'; readonly element: Json };

export function evaluateFilter(node: FilterNode, resource: ScimResource): boolean {
  return evaluate(node, { kind: 'resource', resource });
}

/** Evaluates the filter of a value path (`type eq "work"`) against one element of the attribute. */
export function evaluateElementFilter(filter: FilterNode, element: Json): boolean {
  return evaluate(filter, { kind: 'element', element });
}

function evaluate(node: FilterNode, scope: Scope): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, scope) && evaluate(node.right, scope);
    case 'or':
      return evaluate(node.left, scope) || evaluate(node.right, scope);
    case 'not':
      return !evaluate(node.filter, scope);
    case 'present':
      return valuesOf(node.attribute, scope).some(isPresent);
    case 'valuePath':
      return elementsOf(node.attribute, scope).some((element) => evaluateElementFilter(node.filter, element));
    case 'compare':
      return compareAny(node.attribute, node.op, node.value, valuesOf(node.attribute, scope));
  }
}

/** A comparison on a multi-valued attribute holds when it holds for any present value; `ne` when `eq` holds for none. */
function compareAny(attribute: ResolvedAttribute, op: CompareOperator, expected: CompareValue, values: readonly unknown[]): boolean {
  const leaf = leafDefinition(attribute);
  const wanted = op === 'ne' ? 'eq' : op;
  let present = false;
  for (const value of values) {
    if (!isPresent(value)) continue;
    present = true;
    if (expected !== null && compare(leaf, wanted, value, expected)) return op !== 'ne';
  }
  // `eq null` holds when no value is present, `ne null` when one is (null is "unassigned", RFC 7643 §2.5).
  if (expected === null) return op === 'eq' ? !present : present;
  return op === 'ne';
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A member of an object by name, exact first, then case-insensitively (RFC 7643 §2.1). */
function member(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const record = object as Json;
  if (name in record) return record[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : record[key];
}

/** The attribute's own value: from the resource (core or under its extension URN) or the element. */
function attributeValue(attribute: ResolvedAttribute, scope: Scope): unknown {
  if (scope.kind === 'element') return undefined;
  const container = attribute.isCore ? scope.resource : member(scope.resource, attribute.schema);
  return member(container, attribute.definition.name);
}

function valuesOf(attribute: ResolvedAttribute, scope: Scope): unknown[] {
  const sub = attribute.subDefinition;
  if (scope.kind === 'element') return sub ? flatten(member(scope.element, sub.name)) : [];
  const value = attributeValue(attribute, scope);
  if (!sub) return flatten(value);
  const values: unknown[] = [];
  for (const element of flatten(value)) {
    const inner = member(element, sub.name);
    if (Array.isArray(inner)) values.push(...inner);
    else if (inner !== undefined) values.push(inner);
  }
  return values;
}

function elementsOf(attribute: ResolvedAttribute, scope: Scope): Json[] {
  const values = flatten(attributeValue(attribute, scope));
  // Elements of a multi-valued simple attribute are judged as `{ value }` (RFC 7643 §2.4's default sub-attribute).
  if (attribute.definition.type !== 'complex')
    return values.filter((value) => value !== null && value !== undefined).map((value) => ({ value }));
  return values.filter((value): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value));
}

const flatten = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function compare(leaf: AttributeDefinition, op: CompareOperator, actual: unknown, expected: Exclude<CompareValue, null>): boolean {
  switch (leaf.type) {
    case 'boolean':
      return booleanOf(actual) !== undefined && booleanOf(actual) === booleanOf(expected) && (op === 'eq' || op === 'ne');
    case 'integer':
    case 'decimal':
      return ordered(op, numberOf(actual), numberOf(expected));
    case 'dateTime': {
      const a = instantOf(actual);
      const b = instantOf(expected);
      if (a !== undefined && b !== undefined && op !== 'co' && op !== 'sw' && op !== 'ew') return ordered(op, a, b);
      return compareStrings(op, String(actual), String(expected), true);
    }
    default:
      if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
      return compareStrings(op, String(actual), String(expected), leaf.caseExact);
  }
}

function compareStrings(op: CompareOperator, actual: string, expected: string, caseExact: boolean): boolean {
  // NFC, like uniqueness keys: the value a filter finds is the value that blocks a duplicate.
  const a = nfc(caseExact ? actual : actual.toLowerCase());
  const b = nfc(caseExact ? expected : expected.toLowerCase());
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(op, a, b);
  }
}

function ordered<T extends string | number>(op: CompareOperator, a: T | undefined, b: T | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

/** Stored booleans are JSON booleans, and the parser has read the filter's value as the dialect says. */
function booleanOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}
