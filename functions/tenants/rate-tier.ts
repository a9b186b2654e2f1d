/**
 * Rate tiers: the port through which tenants get a throttle of their own (docs/throttling.md).
 * Every tenant has its own API Gateway API key (a usage identifier the authorizer names, never a
 * credential) in the usage plan of its tier; keys in one plan are throttled separately, so one
 * tenant's burst never throttles another. The tenant service (admin API, CLI, tenants.json seed)
 * calls `assign` on create and on a tier change and `release` on delete, and records the tier on the
 * tenant item only once `assign` resolved: the item's `rateTier` says which plan holds its key.
 *
 * Pure (no AWS imports): functions/tenants/api-gateway-rate-tiers.ts implements it on API Gateway,
 * local/local-rate-tiers.ts records calls for `npm start` and tests.
 */

/** The stack's shared plan: one key for every tenant without its own (items from before tiers, or no keys left). */
export const SHARED_RATE_TIER = 'shared';

export const RATE_TIER_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export interface RateTiers {
  /** The tiers this deployment offers, `shared` included. */
  readonly names: readonly string[];
  /** The tier of a tenant created without one. */
  readonly defaultTier: string;
  /**
   * Identifies the plans keys are put in (their ids): it changes when a plan is replaced (e.g. an
   * update rolled back and retried), and then every tenant's key must be placed again.
   */
  placement(): Promise<string>;
  /**
   * Puts the tenant's own key into `tier`'s plan (creating the key when it has none, taking it out of
   * any other tier's plan); `shared` deletes its key. Idempotent, so a failed call is simply retried.
   */
  assign(tenantId: string, tier: string): Promise<void>;
  /** Deletes the tenant's key, if any. Idempotent. */
  release(tenantId: string): Promise<void>;
}

/** `unknown tier`: not one of `names`; `capacity`: the account has no API keys left (10,000 per Region). */
export class RateTierError extends Error {
  constructor(
    readonly reason: 'unknown tier' | 'capacity',
    message: string,
  ) {
    super(message);
    this.name = 'RateTierError';
  }
}

export function checkTier(tiers: Pick<RateTiers, 'names'>, tier: string): void {
  if (!tiers.names.includes(tier)) {
    throw new RateTierError('unknown tier', `rate tier "${tier}" is not one of this deployment's: ${tiers.names.join(', ')}`);
  }
}
