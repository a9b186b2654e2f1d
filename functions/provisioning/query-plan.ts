/**
 * The query planner (RFC 7644 §3.4.2): a pure function from what a list request asks (type,
 * parsed filter, sort, paging mode) to ONE plan, and the result type its executor (query.ts)
 * returns. Plans, cheapest first:
 *  - `members`:   users of one group (`groups.value eq "<g>"` alone): pages of the group's member items;
 *  - `memberOf`:  groups of one user (`members.value eq "<u>"` alone): the user's membership index;
 *  - `key`:       a required `eq` term on a key-backed attribute (id, membership, a unique attribute):
 *                 the few candidates it names, then the whole filter and the sort on them;
 *  - `walk`:      no key, no sort, cursor paging: the tenant's partition in storage order, resumable;
 *  - `scan`:      no key, index paging or a sort: the partition within the read budget, then filter and sort.
 */
import type { FilterNode } from '../scim/filter/ast';
import { equalityTerms } from '../scim/filter/terms';
import type { SchemaRegistry } from '../scim/schema/registry';
import type { ResourceTypeName } from '../scim/schema/types';
import { foldUnique } from '../scim/schema/uniqueness';
import type { StoredResource } from '../store/resources';
import { membershipAttributeOf, soleMembershipId } from './membership-filter';

/** How the candidates of a `key` plan are found. */
export type KeyLookup =
  | { readonly by: 'id'; readonly id: string }
  /** Everything related (member / group) to this id, from the membership items. */
  | { readonly by: 'membership'; readonly relatedTo: string }
  /** The owner of a unique value, the value already folded as the uniqueness item stores it. */
  | { readonly by: 'unique'; readonly attribute: string; readonly value: string }
  /** Every owner of an indexed, non-unique value (externalId under uniqueness `none`). */
  | { readonly by: 'shared'; readonly attribute: string; readonly value: string };

export type QueryPlan =
  | { readonly kind: 'members'; readonly groupId: string }
  | { readonly kind: 'memberOf'; readonly userId: string }
  | { readonly kind: 'key'; readonly lookup: KeyLookup }
  | { readonly kind: 'walk' }
  | { readonly kind: 'scan' };

export interface QueryShape {
  readonly filter: FilterNode | undefined;
  readonly sorted: boolean;
  /** Cursor paging (`cursor=`) rather than index paging (`startIndex`). */
  readonly cursor: boolean;
}

export interface QueryResult {
  readonly matches: StoredResource[];
  /** Undefined when a cursor walk stopped before knowing the total. */
  readonly totalResults?: number;
  readonly startIndex?: number;
  readonly nextCursor?: string;
}

export function planQuery(schemas: SchemaRegistry, type: ResourceTypeName, shape: QueryShape): QueryPlan {
  const sole = shape.sorted ? undefined : soleMembershipId(type, shape.filter);
  if (sole !== undefined) return type === 'User' ? { kind: 'members', groupId: sole } : { kind: 'memberOf', userId: sole };
  const lookup = keyLookup(schemas, type, shape.filter);
  if (lookup) return { kind: 'key', lookup };
  return !shape.sorted && shape.cursor ? { kind: 'walk' } : { kind: 'scan' };
}

/** The first required `eq` term on a key-backed attribute, by preference: id, membership, unique attributes. */
function keyLookup(schemas: SchemaRegistry, type: ResourceTypeName, filter: FilterNode | undefined): KeyLookup | undefined {
  if (!filter) return undefined;
  const terms = equalityTerms(filter).filter((term): term is { path: string; value: string } => typeof term.value === 'string');
  const byId = terms.find((term) => term.path === 'id');
  if (byId) return { by: 'id', id: byId.value };
  const membership = terms.find((term) => term.path === `${membershipAttributeOf(type)}.value`);
  if (membership) return { by: 'membership', relatedTo: membership.value };
  for (const unique of schemas.keyedAttributesOf(type)) {
    const term = terms.find((t) => t.path === unique.path);
    if (term)
      return { by: unique.shared ? 'shared' : 'unique', attribute: unique.name, value: foldUnique(schemas, type, unique.name, term.value) };
  }
  return undefined;
}
