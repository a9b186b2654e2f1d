/**
 * A short digest of a tenant's settings: the authorizer passes it in API Gateway's authorizer
 * context (instead of the settings themselves, which can outgrow it once a tenant declares schema
 * extensions), and the SCIM handlers key their cached tenant profile on it. Canonical JSON (sorted
 * keys), so the digest does not depend on the order DynamoDB returns map members in.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function settingsDigest(settings: unknown): string {
  return createHash('sha256')
    .update(canonical(settings ?? {}))
    .digest('base64url')
    .slice(0, 22);
}
