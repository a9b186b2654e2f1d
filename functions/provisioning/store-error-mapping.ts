/**
 * The provisioning edge of the store: what the store throws in its own words (store/store-errors.ts)
 * becomes the SCIM error a client is answered with (RFC 7644 §3.12). The Users and Groups services
 * are wrapped with `withScimErrors`, so no store error reaches the HTTP layer unmapped. VersionConflict
 * is not mapped: the User service handles it itself (retry, or 412 under If-Match), and the group
 * writes inside the store (store/group-writes/).
 */
import { conflict, notFound, ScimError } from '../scim/scim-error';
import { GroupBusy, InvalidResourceId, ResourceNotFound, ResourceTooLarge, UniqueValueTaken } from '../store/store-errors';
import type { ResourceService } from './resource-service';

/** The SCIM error a store error means; anything else unchanged. */
export function scimErrorOf(error: unknown): unknown {
  if (error instanceof UniqueValueTaken) return conflict(error.message);
  if (error instanceof InvalidResourceId) return new ScimError(400, error.message, 'invalidValue');
  if (error instanceof ResourceTooLarge) return new ScimError(413, error.message);
  if (error instanceof ResourceNotFound) return notFound(error.message);
  if (error instanceof GroupBusy) return busy(error.retryAt - Date.now());
  return error;
}

/** 503 with Retry-After: another writer holds the group (RFC 7644 §3.12 leaves 503 to the service). */
const busy = (retryAfterMs: number) =>
  new ScimError(503, 'The group is being changed by another request; retry shortly.', undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw scimErrorOf(error);
  }
}

/** The service with every store error it lets through turned into its SCIM error. */
export function withScimErrors(service: ResourceService): ResourceService {
  return {
    type: service.type,
    create: (ctx, body, withMemberships) => mapped(() => service.create(ctx, body, withMemberships)),
    get: (ctx, id, withMemberships) => mapped(() => service.get(ctx, id, withMemberships)),
    replace: (ctx, id, body, ifMatch, withMemberships) => mapped(() => service.replace(ctx, id, body, ifMatch, withMemberships)),
    patch: (ctx, id, body, ifMatch, withMemberships) => mapped(() => service.patch(ctx, id, body, ifMatch, withMemberships)),
    remove: (ctx, id, ifMatch) => mapped(() => service.remove(ctx, id, ifMatch)),
    present: (ctx, stored, withMemberships) => mapped(() => service.present(ctx, stored, withMemberships)),
  };
}
