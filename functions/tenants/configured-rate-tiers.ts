/**
 * The RateTiers a function uses (tenants/rate-tier.ts): API Gateway keys in the tier plans when the
 * deployment configured plans (SCIM_RATE_TIERS, set by lib/rate-tiers.ts), otherwise — the local
 * server, tests — tiers by name only, with no key to manage (the local gateway does not throttle).
 */
import { environment } from '../commons/environment';
import { apiGatewayRateTiers } from './api-gateway-rate-tiers';
import { checkTier, SHARED_RATE_TIER, type RateTiers } from './rate-tier';

/** The tier names of a deployment without plans (npm start): local/local-rate-tiers.ts offers the same. */
export const UNPLANNED_TIERS = ['standard', 'large', SHARED_RATE_TIER] as const;

export function unplannedRateTiers(defaultTier: string = environment.defaultRateTier()): RateTiers {
  const names = UNPLANNED_TIERS;
  return {
    names,
    defaultTier,
    placement: async () => 'unplanned',
    assign: async (_tenantId, tier) => checkTier({ names }, tier),
    release: async () => undefined,
  };
}

let configured: RateTiers | undefined;

export function configuredRateTiers(): RateTiers {
  configured ??= Object.keys(environment.rateTierPlans()).length > 0 ? apiGatewayRateTiers() : unplannedRateTiers();
  return configured;
}
