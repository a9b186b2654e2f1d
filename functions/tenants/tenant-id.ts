/** What a tenant id looks like; its own module so the authorizer gets it without zod. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
