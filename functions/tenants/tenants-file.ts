/**
 * The tenants.json file (docs/configuration.md): its zod schema (each tenant's id, name, rate tier,
 * settings, federated credentials and event streams) and the reader that names the tenant and the
 * path of every mistake, so a typo fails the synth, not a request. Read by the CDK app to onboard
 * tenants by deploy and by the local server to seed the same tenants; no Lambda function imports it
 * (request handlers carry only the settings schema, tenants/settings-schema.ts: lib/bundling.ts BUNDLE_BUDGETS).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { declaredStreamSchema } from '../events/stream-config';
import { declaredFederatedCredentialsSchema } from '../federation/credential-schema';
import { formatPath, tenantSettingsSchema } from './settings-schema';
import { RATE_TIER_PATTERN } from './rate-tier';
import { TENANT_ID_PATTERN } from './tenant-id';

export const tenantConfigSchema = z.object({
  id: z.string().check(z.regex(TENANT_ID_PATTERN, 'tenant id: lowercase letters, digits and dashes, 1-63 characters')),
  displayName: z.string().check(z.minLength(1)),
  /**
   * The tenant's rate tier: one of the stack's `rateTiers` or `shared` (docs/throttling.md), checked
   * against the stack at synth. Absent: the stack's default tier.
   */
  rateTier: z.optional(z.string().check(z.regex(RATE_TIER_PATTERN, 'rate tier: lowercase letters, digits and dashes, 1-32 characters'))),
  settings: z._default(tenantSettingsSchema, () => tenantSettingsSchema.parse({})),
  /**
   * `npm start` creates an OAuth 2.0 client for the tenant and prints it. A deploy issues no
   * credentials: the vendor issues them through the admin API or `scim-admin` (docs/throttling.md).
   */
  oauthClient: z._default(z.boolean(), false),
  /**
   * Workload identity federation (docs/federation.md): the client ids whose RFC 7523 client
   * assertions the token endpoint accepts, and what those assertions must show. Kept in the table
   * exactly as declared here (credentials added with the admin API or CLI are left alone).
   */
  federatedCredentials: z._default(declaredFederatedCredentialsSchema, []),
  /** Event streams (docs/events.md), created or updated on `npm start` (a deploy's seed does not apply them yet); streams added by the CLI or API are left alone. */
  eventStreams: z._default(
    z
      .array(declaredStreamSchema)
      .check(z.refine((list) => new Set(list.map((s) => s.stream_id)).size === list.length, { message: 'stream ids must be unique' })),
    [],
  ),
  /** Before #22 (per-tenant stacks): accepted so old files still synth, ignored with a warning (lib/tenant-onboarding.ts). */
  rateLimit: z.optional(z.object({ rps: z.optional(z.number()), burst: z.optional(z.number()) })),
  tokenVersion: z.optional(z.int().check(z.gte(1))),
  tokenOverlapHours: z.optional(z.number().check(z.gte(0), z.lte(24 * 30))),
  oauthClientVersion: z.optional(z.int().check(z.gte(1))),
});

/** Fields of tenants.json that stacks before #22 read and the seed ignores. */
export const LEGACY_TENANT_FIELDS = ['rateLimit', 'tokenVersion', 'tokenOverlapHours', 'oauthClientVersion'] as const;

export const tenantsFileSchema = z.object({
  tenants: z
    .array(tenantConfigSchema)
    .check(z.refine((list) => new Set(list.map((t) => t.id)).size === list.length, { message: 'tenant ids must be unique' })),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;

/** Validates a tenants file; errors name the tenant and the path, e.g. `tenant "acme": settings.schemaExtensions[0].id: ...`. */
export function parseTenantsFile(json: unknown): TenantConfig[] {
  const parsed = tenantsFileSchema.safeParse(json);
  if (parsed.success) return parsed.data.tenants;
  throw new Error(parsed.error.issues.map((issue) => describeIssue(json, issue)).join('\n'));
}

function describeIssue(json: unknown, issue: z.core.$ZodIssue): string {
  const [root, index, ...rest] = issue.path;
  const tenants = (json as { tenants?: unknown } | null)?.tenants;
  if (root !== 'tenants' || typeof index !== 'number' || !Array.isArray(tenants)) return `${formatPath(issue.path)}: ${issue.message}`;
  const id = (tenants[index] as { id?: unknown } | undefined)?.id;
  const tenant = typeof id === 'string' ? `tenant "${id}"` : `tenants[${index}]`;
  return `${tenant}: ${rest.length > 0 ? `${formatPath(rest)}: ` : ''}${issue.message}`;
}

export function loadTenantsFile(path: string): TenantConfig[] {
  return parseTenantsFile(JSON.parse(readFileSync(path, 'utf8')));
}
