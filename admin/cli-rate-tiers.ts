/**
 * The RateTiers `scim-admin` hands the tenant service (tenants/rate-tier.ts). Locally, tiers by name
 * as `npm start` (no gateway keys). In AWS, the tier plans when the CLI's environment names them as the
 * admin function's does (SCIM_RATE_TIERS and the usage key salt, functions/tenants/configured-rate-tiers.ts);
 * otherwise the CLI cannot put a tenant's key into a plan, so a tenant it creates stays on the stack's
 * shared plan (the service's answer to "no keys left"), a tier change is refused (limit-reached) and
 * give it a tier with the admin API, which runs with the plans.
 */
import { configuredRateTiers, UNPLANNED_TIERS, unplannedRateTiers } from '../functions/tenants/configured-rate-tiers';
import { environment } from '../functions/commons/environment';
import { RateTierError, type RateTiers } from '../functions/tenants/rate-tier';

const sharedOnly = (): RateTiers => ({
  names: UNPLANNED_TIERS,
  defaultTier: environment.defaultRateTier(),
  placement: async () => 'cli-without-plans',
  assign: async () => {
    throw new RateTierError(
      'capacity',
      'scim-admin has no rate tier plans here (set SCIM_RATE_TIERS as the admin function has it, or use the admin API)',
    );
  },
  release: async () => undefined,
});

export function cliRateTiers(local: boolean): RateTiers {
  if (local) return unplannedRateTiers();
  return Object.keys(environment.rateTierPlans()).length > 0 ? configuredRateTiers() : sharedOnly();
}
