/**
 * Per-tenant throttling uses API Gateway usage plans with the API key source AUTHORIZER: the
 * authorizer names the tenant's key (`usageIdentifierKey`) and the gateway applies that key's
 * usage plan. Clients never send or see it, so it is an identifier, not a credential. It is
 * derived from the tenant id and a per-deployment salt, because API key values must be unique
 * in an account and region (two stacks may serve the same tenant id).
 */
import { environment } from '../commons/environment';

export const USAGE_KEY_SALT_ENV = 'USAGE_KEY_SALT';

export const usageKeyOf = (tenantId: string, salt: string = environment.usageKeySalt()): string =>
  `scim-usage-${salt}-${tenantId}`;
