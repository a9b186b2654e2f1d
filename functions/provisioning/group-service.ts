/**
 * The Groups resource. Members are membership items (functions/store/memberships.ts), never a
 * list on the group item: a group of 100,000 members stays a small item. Every write is atomic and
 * serializable against the group's other writes: this service computes each change (pure, from
 * the group as read) and store/group-writes/ applies it — one transaction for up to ~95 item writes,
 * a leased change of ⌈k/25⌉ batch writes beyond.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, invalidValue } from '../scim/scim-error';
import { applyPatch } from '../scim/patch/apply';
import { addedMemberIds, netMemberChange, splitMemberOperations } from '../scim/patch/members';
import { parsePatchBody } from '../scim/patch/operations';
import { replaceResource as replaceAttributes } from '../scim/resource/replace';
import { assertRequired, parseResource } from '../scim/resource/validate';
import type { ScimResource } from '../scim/schema/types';
import { createGroup } from '../store/group-writes/create';
import { removeGroup } from '../store/group-writes/remove';
import type { GroupWriteScope } from '../store/group-writes/scope';
import { writeGroup } from '../store/group-writes/write';
import { writeMembers } from '../store/group-writes/write-members';
import { deleteAllMembers, existingUserIds, memberIdsWithin } from '../store/memberships';
import type { StoredResource } from '../store/resources';
import type { TenantContext } from './context';
import { limits } from './limits';
import { memberValue } from './membership-view';
import { checkIfMatch, represent } from './representation';
import type { Presented, ResourceService } from './resource-service';
import { loadOrNotFound } from './versioned';
import { withScimErrors } from './store-error-mapping';

export const groups: ResourceService = withScimErrors({
  type: 'Group',

  async create(ctx, body, withMembers) {
    const { attributes, memberIds } = splitMembers(parseResource(ctx.profile, 'Group', body));
    await assertUsers(ctx, memberIds);
    const resource = { ...attributes, id: randomUUID() };
    return present(ctx, await createGroup(scopeOf(ctx), resource, memberIds), withMembers);
  },

  async get(ctx, id, withMembers) {
    return present(ctx, await loadOrNotFound(ctx, 'Group', id), withMembers);
  },

  async replace(ctx, id, body, ifMatch, withMembers) {
    const { attributes, memberIds } = splitMembers(parseResource(ctx.profile, 'Group', body));
    await assertUsers(ctx, memberIds);
    const members = { exact: true, put: new Set(memberIds), remove: new Set<string>() };
    const stored = await writeGroup(scopeOf(ctx), id, (current) => {
      checkIfMatch(ifMatch, current);
      return { resource: replaceAttributes(ctx.profile, 'Group', current.resource, { ...attributes, id }), members };
    });
    return present(ctx, stored, withMembers);
  },

  async patch(ctx, id, body, ifMatch, withMembers) {
    const { attributeOperations, memberChanges } = splitMemberOperations(ctx.profile, parsePatchBody(ctx.profile, body));
    // Everything is checked before anything is written: a failing PATCH changes nothing (RFC 7644 §3.5.2).
    await assertUsers(ctx, addedMemberIds(memberChanges));
    const members = netMemberChange(memberChanges);
    if (attributeOperations.length === 0 && (ifMatch === undefined || ifMatch.trim() === '*')) {
      return present(ctx, await writeMembers(scopeOf(ctx), id, members), withMembers);
    }
    const stored = await writeGroup(scopeOf(ctx), id, (current) => {
      checkIfMatch(ifMatch, current);
      let resource = current.resource;
      if (attributeOperations.length > 0) {
        const patched = applyPatch(ctx.profile, 'Group', current.resource, attributeOperations);
        if (patched.changed) {
          assertRequired(ctx.profile, 'Group', patched.resource);
          resource = patched.resource;
        }
      }
      return { resource, members };
    });
    return present(ctx, stored, withMembers);
  },

  async remove(ctx, id, ifMatch) {
    await removeGroup(scopeOf(ctx), id, (current) => checkIfMatch(ifMatch, current));
    // As many membership items as the time budget allows; the stream janitor deletes the rest.
    await deleteAllMembers(ctx.db, ctx.tenantId, id, { deadline: Math.min(ctx.deadline, Date.now() + limits.deleteCleanupMs) });
  },

  async present(ctx, stored, withMembers) {
    return Promise.all(stored.map(async (item) => (await present(ctx, item, withMembers)).resource));
  },
});

/** What the store's group writes need of the request: the tenant, its schemas, the deadline. */
const scopeOf = (ctx: TenantContext): GroupWriteScope => ({
  db: ctx.db,
  tenantId: ctx.tenantId,
  registry: ctx.profile.schemas,
  deadline: ctx.deadline,
});

async function present(ctx: TenantContext, stored: StoredResource, withMembers: boolean): Promise<Presented> {
  if (!withMembers) return { stored, resource: represent(ctx.profile, 'Group', stored, ctx.baseUrl) };
  const { userIds, complete } = await memberIdsWithin(ctx.db, ctx.tenantId, stored.id, limits.groupMembersInline);
  if (!complete) {
    throw badRequest(
      'tooMany',
      `Group ${stored.id} has more than ${limits.groupMembersInline} members, more than one response carries. ` +
        `Ask with excludedAttributes=members, and page its members with ` +
        `GET /Users?filter=groups.value eq "${stored.id}"&cursor=&attributes=id.`,
    );
  }
  const members = userIds.map((userId) => memberValue(ctx, userId));
  return { stored, resource: represent(ctx.profile, 'Group', stored, ctx.baseUrl, members.length > 0 ? { members } : {}) };
}

/** The group attributes and the member ids of a validated Group body (members are items, not attributes). */
function splitMembers(resource: ScimResource): { attributes: ScimResource; memberIds: string[] } {
  const { members, ...attributes } = resource;
  const memberIds = Array.isArray(members) ? members.map((member) => String((member as { value: unknown }).value)) : [];
  return { attributes, memberIds: [...new Set(memberIds)] };
}

/** A member must be a user of this tenant: never a dangling or cross-tenant link. */
async function assertUsers(ctx: TenantContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const existing = await existingUserIds(ctx.db, ctx.tenantId, ids);
  const missing = [...new Set(ids)].filter((id) => !existing.has(id));
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((id) => `"${id}"`)
      .join(', ');
    throw invalidValue(`No such user in this tenant: ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}.`);
  }
}
