/**
 * Per-tenant throttling uses API Gateway usage plans with the API key source AUTHORIZER: the
 * authorizer names the tenant's key (`usageIdentifierKey`) and the gateway applies that key's
 * usage plan. Clients never send or see it, so it is an identifier, not a credential. It is
 * derived from the tenant id and a per-deployment salt, because API key values must be unique
 * in an account and region (two stacks may serve the same tenant id).
 *
 * A tenant deployed from tenants.json has a usage plan of its own (its `rateLimit`); a tenant added
 * with `scim-admin tenants add` has none, so it is named the shared key of the stack's default plan.
 * The tenant item records which (`usagePlan`), written by onboarding.
 */
import { environment } from '../commons/environment';

export const USAGE_KEY_SALT_ENV = 'USAGE_KEY_SALT';

/** `own`: the tenant's plan from tenants.json; `shared`: the stack's default plan. */
export type UsagePlanKind = 'own' | 'shared';

export const usageKeyOf = (tenantId: string, salt: string = environment.usageKeySalt()): string => `scim-usage-${salt}-${tenantId}`;

/** The default plan's key: no tenant's key equals it (those end in `-<tenantId>`). */
export const sharedUsageKey = (salt: string = environment.usageKeySalt()): string => `scim-usage-${salt}`;

/** The key the authorizer names for a tenant. */
export const usageKeyOfTenant = (tenant: { readonly tenantId: string; readonly usagePlan: UsagePlanKind }, salt?: string): string =>
  tenant.usagePlan === 'own' ? usageKeyOf(tenant.tenantId, salt) : sharedUsageKey(salt);
