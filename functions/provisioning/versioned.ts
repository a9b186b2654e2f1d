/**
 * Read-modify-write with optimistic concurrency: every write is conditional on the version it
 * read. On a conflict the change is recomputed from the fresh copy (a PATCH stays valid on top of
 * another client's change), unless the client pinned a version with If-Match.
 */
import { notFound } from '../scim/scim-error';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { deleteResource, getResource, replaceResource, type StoredResource } from '../store/resources';
import { VersionConflict } from '../store/store-errors';
import type { TenantContext } from './context';
import { checkIfMatch } from './representation';
import { ScimError } from '../scim/scim-error';
import { backoff } from '../commons/retry';

const MAX_ATTEMPTS = 8;
/** A lost race is retried at once or after a short jittered wait. */
const conflictRetry = { baseMs: 10, capMs: 160 };

export async function loadOrNotFound(ctx: TenantContext, type: ResourceTypeName, id: string): Promise<StoredResource> {
  const stored = await getResource(ctx.db, ctx.tenantId, type, id);
  if (!stored) throw notFound(`${type} ${id} not found.`);
  return stored;
}

/**
 * Deletes the resource at the version read. A lost race is read again: gone is 404, a changed
 * version under If-Match is 412 (RFC 7644 §3.14), otherwise the delete is retried.
 */
export async function deleteVersioned(ctx: TenantContext, type: ResourceTypeName, id: string, ifMatch: string | undefined): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const stored = await loadOrNotFound(ctx, type, id);
    checkIfMatch(ifMatch, stored);
    try {
      await deleteResource(ctx.db, ctx.tenantId, type, stored, stored.version, ctx.profile.schemas);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ScimError(409, `The ${type} is being changed concurrently; retry.`);
    }
  }
}

/**
 * Applies `change` to the current resource and stores the result. `change` returns undefined when
 * nothing changes (no write, no new version).
 */
export async function updateVersioned(
  ctx: TenantContext,
  type: ResourceTypeName,
  id: string,
  ifMatch: string | undefined,
  change: (current: StoredResource) => ScimResource | undefined,
): Promise<StoredResource> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await loadOrNotFound(ctx, type, id);
    checkIfMatch(ifMatch, current);
    const next = change(current);
    if (next === undefined) return current;
    try {
      return await replaceResource(ctx.db, ctx.tenantId, type, current, next, ctx.profile.schemas);
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (ifMatch !== undefined && ifMatch.trim() !== '*') {
        throw new ScimError(412, 'The resource changed while this request was being applied.');
      }
      if (attempt >= MAX_ATTEMPTS) throw new ScimError(409, 'The resource is being changed concurrently; retry.');
      await backoff(attempt, conflictRetry);
    }
  }
}
