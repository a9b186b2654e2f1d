/** The Users resource: SCIM core rules (functions/scim) over the repository (functions/store). */
import { randomUUID } from 'node:crypto';
import { parsePatchBody } from '../scim/patch/operations';
import { applyPatch } from '../scim/patch/apply';
import { equalJson } from '../commons/json';
import { assertRequired, parseResource } from '../scim/resource/validate';
import { replaceResource as replaceAttributes } from '../scim/resource/replace';
import type { ScimResource } from '../scim/schema/types';
import { deleteMembershipsOfUser } from '../store/memberships';
import { createResource, type StoredResource } from '../store/resources';
import type { TenantContext } from './context';
import { limits } from './limits';
import { groupsAttribute } from './membership-view';
import { represent } from './representation';
import type { Presented, ResourceService } from './resource-service';
import { deleteVersioned, loadOrNotFound, updateVersioned } from './versioned';
import { withScimErrors } from './store-error-mapping';

async function present(ctx: TenantContext, stored: StoredResource, withGroups: boolean): Promise<Presented> {
  const groups = withGroups ? await groupsAttribute(ctx, stored.id) : {};
  return { stored, resource: represent(ctx.profile, 'User', stored, ctx.baseUrl, groups) };
}

export const users: ResourceService = withScimErrors({
  type: 'User',

  async create(ctx, body, withGroups) {
    const resource = parseResource(ctx.profile, 'User', body);
    const stored = await createResource(ctx.db, ctx.tenantId, 'User', { ...resource, id: randomUUID() }, ctx.profile.schemas);
    return present(ctx, stored, withGroups);
  },

  async get(ctx, id, withGroups) {
    return present(ctx, await loadOrNotFound(ctx, 'User', id), withGroups);
  },

  async replace(ctx, id, body, ifMatch, withGroups) {
    const incoming = parseResource(ctx.profile, 'User', body);
    const stored = await updateVersioned(ctx, 'User', id, ifMatch, (current) =>
      unlessUnchanged(current, replaceAttributes(ctx.profile, 'User', current.resource, { ...incoming, id })),
    );
    return present(ctx, stored, withGroups);
  },

  async patch(ctx, id, body, ifMatch, withGroups) {
    const operations = parsePatchBody(ctx.profile, body);
    const stored = await updateVersioned(ctx, 'User', id, ifMatch, (current) => {
      const { resource, changed } = applyPatch(ctx.profile, 'User', current.resource, operations);
      if (!changed) return undefined;
      assertRequired(ctx.profile, 'User', resource);
      return resource;
    });
    return present(ctx, stored, withGroups);
  },

  async remove(ctx, id, ifMatch) {
    await deleteVersioned(ctx, 'User', id, ifMatch);
    // Memberships go now so groups stop listing the user; the stream janitor finishes any rest.
    await deleteMembershipsOfUser(ctx.db, ctx.tenantId, id, { deadline: Math.min(ctx.deadline, Date.now() + limits.deleteCleanupMs) });
  },

  async present(ctx, stored, withGroups) {
    return Promise.all(stored.map(async (item) => (await present(ctx, item, withGroups)).resource));
  },
});

/** PUT with an identical body writes nothing. */
function unlessUnchanged(current: StoredResource, next: ScimResource): ScimResource | undefined {
  return equalJson(current.resource, next) ? undefined : next;
}
