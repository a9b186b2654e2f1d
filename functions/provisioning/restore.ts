/**
 * Writing a tenant's resources back under their own ids (`scim-admin import`). The import is one
 * more writer, so it goes through the provisioning layer like HTTP does: the same validation and
 * the tenant's own rules (required attributes), versioned writes (a replaced resource gets a new
 * version and ETag), and memberships through the Groups service (users checked, group version
 * bumped). Change events follow from the stream, as for every write.
 */
import { PATCH_OP_SCHEMA } from '../scim/patch/operations';
import { equalJson } from '../commons/json';
import { assertRequired, normalizeResource } from '../scim/resource/validate';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { existingUserIds, listMembers } from '../store/memberships';
import { pages, startingAt } from '../store/paging';
import { createResource, getResource } from '../store/resources';
import type { TenantContext } from './context';
import { groups } from './group-service';
import { updateVersioned } from './versioned';

export type Restored = 'created' | 'updated' | 'unchanged';

/** Members added per Groups PATCH, as a large HTTP client would batch them. */
const MEMBERS_PER_CHANGE = 1000;

/** Creates the resource with this id, or replaces it when it exists and differs. */
export async function restoreResource(ctx: TenantContext, type: ResourceTypeName, id: string, resource: ScimResource): Promise<Restored> {
  // Hand-edited files get the same validation as SCIM requests.
  const wanted = normalizeResource(ctx.profile, type, { ...resource, id });
  assertRequired(ctx.profile, type, wanted);
  if (!(await getResource(ctx.db, ctx.tenantId, type, id))) {
    await createResource(ctx.db, ctx.tenantId, type, wanted, ctx.profile.schemas);
    return 'created';
  }
  let changed = false;
  await updateVersioned(ctx, type, id, undefined, (current) => {
    changed = !equalJson(current.resource, wanted);
    return changed ? wanted : undefined;
  });
  return changed ? 'updated' : 'unchanged';
}

/**
 * Makes these users members of the group through the Groups service; those that are not users of
 * the tenant are left out and returned. Members already in the group are not written again, so a
 * second import of the same file changes nothing (no new group version).
 */
export async function restoreMembers(
  ctx: TenantContext,
  groupId: string,
  userIds: readonly string[],
): Promise<{ added: number; missing: string[] }> {
  const existing = await existingUserIds(ctx.db, ctx.tenantId, userIds);
  const current = new Set<string>();
  for await (const page of pages((startKey) => listMembers(ctx.db, ctx.tenantId, groupId, startingAt(startKey)))) {
    for (const id of page.userIds) current.add(id);
  }
  const present = [...existing].filter((id) => !current.has(id));
  for (let i = 0; i < present.length; i += MEMBERS_PER_CHANGE) {
    const value = present.slice(i, i + MEMBERS_PER_CHANGE).map((id) => ({ value: id }));
    await groups.patch(ctx, groupId, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'members', value }] }, undefined, false);
  }
  return { added: existing.size, missing: userIds.filter((id) => !existing.has(id)) };
}
