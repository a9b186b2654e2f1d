/**
 * The equality terms every match of a filter must satisfy: `eq` comparisons reachable through
 * `and` only (an `or` or `not` makes a term optional). The query planner serves a filter by key
 * when one of these names a key-backed attribute, then evaluates the whole filter on the result.
 */
import type { CompareValue, FilterNode } from './ast';

export interface EqualityTerm {
  /** Canonical path, lower-cased: `username`, `externalid`, `members.value`, `urn:...:employeenumber`. */
  readonly path: string;
  readonly value: CompareValue;
}

export function equalityTerms(node: FilterNode): EqualityTerm[] {
  switch (node.kind) {
    case 'compare':
      return node.op === 'eq' ? [{ path: node.attribute.path.toLowerCase(), value: node.value }] : [];
    case 'and':
      return [...equalityTerms(node.left), ...equalityTerms(node.right)];
    case 'valuePath':
      // Inside `members[value eq "x"]` the attribute paths already carry the parent (`members.value`).
      return equalityTerms(node.filter);
    default:
      return [];
  }
}
