/**
 * The Groups resource. Members are membership items (functions/store/memberships.ts), never a
 * list on the group item: a group of 100,000 members stays a small item, membership writes cost
 * ⌈k/25⌉ batch calls, and concurrent member changes never conflict on one item.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, invalidValue, ScimError } from '../scim/errors';
import { applyPatch } from '../scim/patch/apply';
import { equalJson } from '../scim/patch/json';
import { splitMemberOperations, type MemberChange } from '../scim/patch/members';
import { parsePatchBody } from '../scim/patch/operations';
import { replaceResource as replaceAttributes } from '../scim/resource/replace';
import { assertRequired, parseResource } from '../scim/resource/validate';
import type { ScimResource } from '../scim/schema/types';
import {
  addMembers,
  deleteAllMembers,
  existingUserIds,
  listMembers,
  memberIdsWithin,
  removeMembers,
} from '../store/memberships';
import { createResource, touchResource, type StoredResource } from '../store/resources';
import type { TenantContext } from './context';
import { limits } from './limits';
import { memberValue } from './membership-view';
import { represent } from './representation';
import type { Presented, ResourceService } from './resource-service';
import { deleteVersioned, loadOrNotFound, updateVersioned } from './versioned';

const requiredPaths = (ctx: TenantContext) => ctx.settings.requiredAttributes.Group ?? [];

export const groups: ResourceService = {
  type: 'Group',

  async create(ctx, body, withMembers) {
    const { attributes, memberIds } = splitMembers(parseResource('Group', body, { requiredPaths: requiredPaths(ctx) }));
    await assertUsers(ctx, memberIds);
    const stored = await createResource(ctx.db, ctx.tenantId, 'Group', { ...attributes, id: randomUUID() });
    await addMembers(ctx.db, ctx.tenantId, stored.id, memberIds);
    return present(ctx, stored, withMembers);
  },

  async get(ctx, id, withMembers) {
    return present(ctx, await loadOrNotFound(ctx, 'Group', id), withMembers);
  },

  async replace(ctx, id, body, ifMatch, withMembers) {
    const { attributes, memberIds } = splitMembers(parseResource('Group', body, { requiredPaths: requiredPaths(ctx) }));
    await assertUsers(ctx, memberIds);
    let stored = await updateVersioned(ctx, 'Group', id, ifMatch, (current) => {
      const next = replaceAttributes('Group', current.resource, { ...attributes, id });
      return equalJson(current.resource, next) ? undefined : next;
    });
    if (await replaceMembers(ctx, id, memberIds)) stored = await touched(ctx, id);
    return present(ctx, stored, withMembers);
  },

  async patch(ctx, id, body, ifMatch, withMembers) {
    const { attributeOperations, memberChanges } = splitMemberOperations(parsePatchBody(body));
    let stored = await updateVersioned(ctx, 'Group', id, ifMatch, (current) => {
      if (attributeOperations.length === 0) return undefined;
      const { resource, changed } = applyPatch('Group', current.resource, attributeOperations);
      if (!changed) return undefined;
      assertRequired('Group', resource, requiredPaths(ctx));
      return resource;
    });
    if (memberChanges.length > 0) {
      await assertUsers(ctx, memberChanges.flatMap((change) => (change.kind === 'add' || change.kind === 'replace' ? change.ids : [])));
      for (const change of memberChanges) await applyMemberChange(ctx, id, change);
      stored = await touched(ctx, id);
    }
    return present(ctx, stored, withMembers);
  },

  async remove(ctx, id, ifMatch) {
    await deleteVersioned(ctx, 'Group', id, ifMatch);
    // As many membership items as the time budget allows; the stream janitor deletes the rest.
    await deleteAllMembers(ctx.db, ctx.tenantId, id, { deadline: Math.min(ctx.deadline, Date.now() + limits.deleteCleanupMs) });
  },

  async present(ctx, stored, withMembers) {
    return Promise.all(stored.map(async (item) => (await present(ctx, item, withMembers)).resource));
  },
};

async function present(ctx: TenantContext, stored: StoredResource, withMembers: boolean): Promise<Presented> {
  if (!withMembers) return { stored, resource: represent('Group', stored, ctx.baseUrl) };
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
  return { stored, resource: represent('Group', stored, ctx.baseUrl, members.length > 0 ? { members } : {}) };
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
    const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
    throw invalidValue(`No such user in this tenant: ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}.`);
  }
}

async function applyMemberChange(ctx: TenantContext, groupId: string, change: MemberChange): Promise<void> {
  switch (change.kind) {
    case 'add':
      return addMembers(ctx.db, ctx.tenantId, groupId, change.ids);
    case 'remove':
      return removeMembers(ctx.db, ctx.tenantId, groupId, change.ids);
    case 'removeAll':
      await replaceMembers(ctx, groupId, []);
      return;
    case 'replace':
      await replaceMembers(ctx, groupId, change.ids);
  }
}

/** Makes the members exactly `ids`, writing only the difference. True when anything changed. */
async function replaceMembers(ctx: TenantContext, groupId: string, ids: readonly string[]): Promise<boolean> {
  const current = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listMembers(ctx.db, ctx.tenantId, groupId, { ...(startKey ? { startKey } : {}) });
    page.userIds.forEach((id) => current.add(id));
    startKey = page.lastKey;
  } while (startKey);
  const wanted = new Set(ids);
  const toAdd = [...wanted].filter((id) => !current.has(id));
  const toRemove = [...current].filter((id) => !wanted.has(id));
  await removeMembers(ctx.db, ctx.tenantId, groupId, toRemove);
  await addMembers(ctx.db, ctx.tenantId, groupId, toAdd);
  return toAdd.length + toRemove.length > 0;
}

async function touched(ctx: TenantContext, id: string): Promise<StoredResource> {
  const stored = await touchResource(ctx.db, ctx.tenantId, 'Group', id);
  if (!stored) throw new ScimError(404, `Group ${id} not found.`);
  return stored;
}
