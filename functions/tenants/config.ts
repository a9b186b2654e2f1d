/**
 * Tenant configuration (tenants.json): read by the CDK app to onboard tenants by deploy and by the
 * local server to seed the same tenants. Validated with zod so a typo fails the synth, not a request.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { DIALECT_NAMES } from '../scim/dialect/dialect';
import { TENANT_ID_PATTERN } from './tenant-id';

export { TENANT_ID_PATTERN };

export const tenantSettingsSchema = z.object({
  /**
   * Attribute paths a tenant's app requires on create/replace, e.g. `roles[primary eq "True"].value`,
   * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization`, `phoneNumbers`.
   */
  requiredAttributes: z
    .object({ User: z.array(z.string().min(1)).default([]), Group: z.array(z.string().min(1)).default([]) })
    .partial()
    .default({}),
  /**
   * Which identity provider's request forms the tenant accepts (functions/scim/dialect/): `tolerant`
   * (absent: Entra's and Okta's together), `entra`, `okta`, or `strict` (RFC 7643/7644 only).
   */
  dialect: z.enum(DIALECT_NAMES).optional(),
  /** Lifetime of the tenant's OAuth access tokens (Microsoft's gallery accepts 60-360 minutes). @default 60 */
  tokenLifetimeMinutes: z.number().int().min(60).max(360).optional(),
});

export const tenantConfigSchema = z.object({
  id: z.string().regex(TENANT_ID_PATTERN, 'tenant id: lowercase letters, digits and dashes, 1-63 characters'),
  displayName: z.string().min(1),
  /** Per-tenant API Gateway throttle; identity providers need at least 25 requests/s (README). */
  rateLimit: z
    .object({ rps: z.number().min(25).default(50), burst: z.number().int().min(25).default(100) })
    .default({ rps: 50, burst: 100 }),
  /** Bump to rotate the tenant's token on the next deploy. */
  tokenVersion: z.number().int().min(1).default(1),
  /** How long the previous token stays valid after a rotation. */
  tokenOverlapHours: z.number().min(0).max(24 * 30).default(24),
  settings: tenantSettingsSchema.default({ requiredAttributes: {} }),
});

export const tenantsFileSchema = z.object({
  tenants: z.array(tenantConfigSchema).refine((list) => new Set(list.map((t) => t.id)).size === list.length, {
    message: 'tenant ids must be unique',
  }),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export function parseTenantsFile(json: unknown): TenantConfig[] {
  return tenantsFileSchema.parse(json).tenants;
}

export function loadTenantsFile(path: string): TenantConfig[] {
  return parseTenantsFile(JSON.parse(readFileSync(path, 'utf8')));
}
