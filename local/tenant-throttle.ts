/**
 * API Gateway's per-tenant usage-plan throttle, emulated for the local gateway when asked
 * (LocalStackOptions.tenantThrottle; the load test uses it): one token bucket per tenant the
 * authorizer named, refilled at `rateLimit` per second up to `burstLimit`. Over it the gateway
 * answers THROTTLED (429, Retry-After) before any function runs, as a usage plan does. Off by
 * default: `npm start` and the tests do not throttle.
 */
export interface TenantThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export function tenantThrottle(settings: TenantThrottleSettings, now: () => number = () => performance.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Takes one request's token from the tenant's bucket; false: throttled. */
  return (tenantId: string): boolean => {
    const time = now();
    const bucket = buckets.get(tenantId) ?? { tokens: settings.burstLimit, at: time };
    bucket.tokens = Math.min(settings.burstLimit, bucket.tokens + ((time - bucket.at) / 1000) * settings.rateLimit);
    bucket.at = time;
    buckets.set(tenantId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}
