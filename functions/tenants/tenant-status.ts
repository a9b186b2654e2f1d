/**
 * What a tenant's status means to the request paths (authorizer, SCIM handlers, token endpoint),
 * in one small module without dependencies so the authorizer's bundle can carry it.
 */
import type { TenantStatus } from '../store/key-reads';

/** How long a client of a paused tenant is asked to wait before retrying (Retry-After, seconds). */
export const PAUSED_RETRY_AFTER_SECONDS = 60;

/** Statuses whose credentials still authenticate: an active tenant is served, a paused one answered 503. */
export const acceptsCredentials = (status: TenantStatus): boolean => status === 'active' || status === 'paused';

export const PAUSED_DETAIL = 'This tenant is paused by its administrator; nothing was changed. Retry later.';
