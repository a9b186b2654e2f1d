/**
 * RateTiers for `npm start` and tests: the local gateway does not throttle per tenant, so this only
 * checks tier names and records which tier holds each tenant's key (what API Gateway would hold),
 * so the tenant service runs the same calls locally as in AWS.
 */
import { checkTier, SHARED_RATE_TIER, type RateTiers } from '../functions/tenants/rate-tier';

export interface RecordingRateTiers extends RateTiers {
  /** Tenant id → the tier whose plan holds its key (absent: no key). */
  readonly keys: ReadonlyMap<string, string>;
}

export const LOCAL_RATE_TIERS = ['standard', 'large', SHARED_RATE_TIER] as const;

export function recordingRateTiers(
  names: readonly string[] = LOCAL_RATE_TIERS,
  defaultTier = 'standard',
  placement = 'local',
): RecordingRateTiers {
  const keys = new Map<string, string>();
  return {
    names,
    defaultTier,
    placement: async () => placement,
    keys,
    async assign(tenantId, tier) {
      checkTier({ names }, tier);
      if (tier === SHARED_RATE_TIER) keys.delete(tenantId);
      else keys.set(tenantId, tier);
    },
    async release(tenantId) {
      keys.delete(tenantId);
    },
  };
}
