/**
 * Memberships are items, not attributes on the resource, so a filter that mentions Group
 * `members` or User `groups` needs them loaded before it can be evaluated. Most such filters only
 * ask "is X a member" (`members[value eq "x"]`, `groups.value eq "g"`): those need one key lookup
 * per mentioned id, never the whole member list.
 */
import type { FilterNode } from '../scim/filter/ast';
import type { ResourceTypeName } from '../scim/schema/types';

export interface MembershipMentions {
  /** The membership attribute of this type (`members` or `groups`). */
  readonly attribute: 'members' | 'groups';
  /** Ids compared with `eq` on `<attribute>.value`. */
  readonly ids: string[];
  /** The filter uses the attribute in another way too (pr, co, ne, display...): full lists needed. */
  readonly needsFullList: boolean;
  /** The filter does not mention the attribute at all. */
  readonly none: boolean;
}

export const membershipAttributeOf = (type: ResourceTypeName): 'members' | 'groups' => (type === 'Group' ? 'members' : 'groups');

export function membershipMentions(type: ResourceTypeName, filter: FilterNode | undefined): MembershipMentions {
  const attribute = membershipAttributeOf(type);
  const ids: string[] = [];
  let other = false;
  let any = false;
  const isMembership = (node: { attribute: { isCore: boolean; definition: { name: string } } }) =>
    node.attribute.isCore && node.attribute.definition.name === attribute;

  const visit = (node: FilterNode, insideMembership: boolean): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        visit(node.left, insideMembership);
        visit(node.right, insideMembership);
        return;
      case 'not':
        visit(node.filter, insideMembership);
        return;
      case 'valuePath':
        if (isMembership(node)) {
          any = true;
          visit(node.filter, true);
        }
        return;
      case 'present':
        if (insideMembership || isMembership(node)) {
          any = true;
          other = true;
        }
        return;
      case 'compare':
        if (!insideMembership && !isMembership(node)) return;
        any = true;
        if (node.op === 'eq' && node.attribute.subDefinition?.name === 'value' && typeof node.value === 'string') {
          ids.push(node.value);
        } else {
          other = true;
        }
    }
  };
  if (filter) visit(filter, false);
  return { attribute, ids: [...new Set(ids)], needsFullList: other, none: !any };
}

/**
 * The id X when the whole filter is "is a member of / has member X" (`groups.value eq "X"`,
 * `members[value eq "X"]`): then the membership items alone answer it, page by page.
 */
export function soleMembershipId(type: ResourceTypeName, filter: FilterNode | undefined): string | undefined {
  const attribute = membershipAttributeOf(type);
  const node =
    filter?.kind === 'valuePath' && filter.attribute.isCore && filter.attribute.definition.name === attribute ? filter.filter : filter;
  if (node?.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string') return undefined;
  const { attribute: target } = node;
  return target.isCore && target.definition.name === attribute && target.subDefinition?.name === 'value' ? node.value : undefined;
}
