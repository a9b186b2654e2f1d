/**
 * Per-tenant throttling uses API Gateway usage plans with the API key source AUTHORIZER: the
 * authorizer names the tenant's key (`usageIdentifierKey`) and the gateway applies that key's
 * usage plan. Clients never send or see it, so it is an identifier, not a credential. It is
 * derived from the tenant id and a per-deployment salt, because API key values must be unique
 * in an account and region (two stacks may serve the same tenant id).
 *
 * Which key the authorizer names, from the tenant item (docs/throttling.md):
 *  - `rateTier` set (not `shared`): the tenant's own key, in that tier's usage plan (rate-tier.ts);
 *  - `usagePlan: own` without a tier: the per-tenant plan stacks before #22 deployed from
 *    tenants.json (its key `scim-usage-<salt>-<id>`), until the seed moves the tenant to a tier;
 *  - otherwise the stack's shared plan, one bucket for all such tenants.
 */
import { environment } from '../commons/environment';
import { SHARED_RATE_TIER } from './rate-tier';
import type { UsagePlanKind } from '../store/key-reads';

export const USAGE_KEY_SALT_ENV = 'USAGE_KEY_SALT';

/** The key of a per-tenant usage plan deployed by stacks before #22 (kept to serve items not yet moved to a tier). */
export const usageKeyOf = (tenantId: string, salt: string = environment.usageKeySalt()): string => `scim-usage-${salt}-${tenantId}`;

/** The tenant's own key in its tier's plan (a value distinct from the old per-stack key, so both exist during an upgrade). */
export const tenantUsageKeyOf = (tenantId: string, salt: string = environment.usageKeySalt()): string => `scim-tenant-${salt}-${tenantId}`;

/** The default plan's key: no tenant's key equals it (those end in `-<tenantId>`). */
export const sharedUsageKey = (salt: string = environment.usageKeySalt()): string => `scim-usage-${salt}`;

/** The key the authorizer names for a tenant. */
export function usageKeyOfTenant(
  tenant: { readonly tenantId: string; readonly usagePlan: UsagePlanKind; readonly rateTier?: string | undefined },
  salt?: string,
): string {
  if (tenant.rateTier === SHARED_RATE_TIER) return sharedUsageKey(salt);
  if (tenant.rateTier !== undefined) return tenantUsageKeyOf(tenant.tenantId, salt);
  return tenant.usagePlan === 'own' ? usageKeyOf(tenant.tenantId, salt) : sharedUsageKey(salt);
}
