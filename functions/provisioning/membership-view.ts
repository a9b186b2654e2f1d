/**
 * Memberships as attributes: Group `members` and User `groups` (RFC 7643 §4.1.2, §4.2) built from
 * membership items, for responses and for filter evaluation.
 */
import { groupIdsOfUser, isMember, memberIdsWithin } from '../store/memberships';
import { getResources, type StoredResource } from '../store/resources';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import type { TenantContext } from './context';
import { limits, tooMany } from './limits';
import type { MembershipMentions } from './membership-filter';
import { locationOf } from './representation';

/** Candidates whose full member lists a filter may load (each list up to groupMembersInline). */
const FULL_LIST_CANDIDATES = 50;
/** Membership lookups (one GetItem each) a filter may cost. */
const MEMBERSHIP_LOOKUPS = 2000;

export const memberValue = (ctx: TenantContext, userId: string) => ({
  value: userId,
  $ref: locationOf(ctx.baseUrl, 'User', userId),
  type: 'User',
});

export const groupValue = (ctx: TenantContext, groupId: string) => ({
  value: groupId,
  $ref: locationOf(ctx.baseUrl, 'Group', groupId),
  type: 'direct',
});

/** The other side's ids: a group's members, or a user's groups. */
export async function relatedIds(ctx: TenantContext, type: ResourceTypeName, id: string): Promise<string[]> {
  if (type === 'Group') return groupIdsOfUser(ctx.db, ctx.tenantId, id);
  const { userIds, complete } = await memberIdsWithin(ctx.db, ctx.tenantId, id, limits.scanBudget);
  if (!complete) throw tooMany('User');
  return userIds;
}

/** A user's `groups` attribute. */
export async function groupsAttribute(ctx: TenantContext, userId: string): Promise<ScimResource> {
  const ids = await groupIdsOfUser(ctx.db, ctx.tenantId, userId);
  if (ids.length === 0) return {};
  // A deleted group's memberships may outlive it until the janitor has run: only existing groups count.
  const existing = (await getResources(ctx.db, ctx.tenantId, 'Group', ids)).map((group) => group.id);
  return existing.length > 0 ? { groups: existing.map((id) => groupValue(ctx, id)) } : {};
}

/**
 * Per candidate id, the membership attribute as far as the filter needs it: only the mentioned
 * ids that are actual memberships, or the full list when the filter asks more than "is X in it".
 */
export async function membershipsForFilter(
  ctx: TenantContext,
  type: ResourceTypeName,
  candidates: readonly StoredResource[],
  mentions: MembershipMentions,
  /** An id every candidate is already known to be related to (it came from that membership's items). */
  relatedTo?: string,
): Promise<Map<string, ScimResource>> {
  const views = new Map<string, ScimResource>();
  if (mentions.needsFullList) {
    if (candidates.length > FULL_LIST_CANDIDATES) throw tooMany(type);
    for (const candidate of candidates) {
      views.set(candidate.id, await fullMembership(ctx, type, candidate.id));
    }
    return views;
  }
  const unknown = mentions.ids.filter((id) => id !== relatedTo);
  if (candidates.length * unknown.length > MEMBERSHIP_LOOKUPS) throw tooMany(type);
  for (const candidate of candidates) {
    const related: string[] = relatedTo !== undefined && mentions.ids.includes(relatedTo) ? [relatedTo] : [];
    for (const other of unknown) {
      const [groupId, userId] = type === 'Group' ? [candidate.id, other] : [other, candidate.id];
      if (await isMember(ctx.db, ctx.tenantId, groupId, userId)) related.push(other);
    }
    views.set(candidate.id, { [mentions.attribute]: related.map((id) => ({ value: id })) });
  }
  return views;
}

async function fullMembership(ctx: TenantContext, type: ResourceTypeName, id: string): Promise<ScimResource> {
  if (type === 'User') return groupsAttribute(ctx, id);
  const { userIds, complete } = await memberIdsWithin(ctx.db, ctx.tenantId, id, limits.groupMembersInline);
  if (!complete) throw tooMany('Group');
  return { members: userIds.map((userId) => memberValue(ctx, userId)) };
}
