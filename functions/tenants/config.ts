/**
 * Tenant configuration (tenants.json): read by the CDK app to onboard tenants by deploy and by the
 * local server to seed the same tenants. Validated with zod so a typo fails the synth, not a request.
 * The resource functions parse stored settings with tenantSettingsSchema (tenants/profile-from-settings.ts): it is
 * written with `zod/mini`, whose functions (not methods) let their bundles drop what they do not use.
 */
import { readFileSync } from 'node:fs';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { declaredFederatedCredentialsSchema } from '../federation/credential-schema';
import { DIALECT_NAMES, dialectNamed } from '../scim/dialect/dialect';
import { parsePatchPath } from '../scim/filter/path';
import { defaultProfile } from '../scim/scim-profile';
import { SchemaRegistry } from '../scim/schema/registry';
import type { ResourceTypeName } from '../scim/schema/types';
import { schemaExtensionsSchema, toSchemaExtensions } from './schema-extensions';
import { RATE_TIER_PATTERN } from './rate-tier';
import { TENANT_ID_PATTERN } from './tenant-id';
import { declaredStreamSchema } from '../events/stream-config';

export { TENANT_ID_PATTERN };

// zod/mini ships no messages (zod classic loads English on import): without them every issue reads
// "Invalid input", in synth errors and in the problem a resource function logs for bad settings.
z.config(en());

export const tenantSettingsSchema = z
  .object({
    /**
     * Attribute paths a tenant's app requires on create/replace, e.g. `roles[primary eq "True"].value`,
     * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization`, `phoneNumbers`.
     */
    requiredAttributes: z._default(
      z.partial(
        z.object({
          User: z._default(z.array(z.string().check(z.minLength(1))), []),
          Group: z._default(z.array(z.string().check(z.minLength(1))), []),
        }),
      ),
      {},
    ),
    /**
     * Which identity provider's request forms the tenant accepts (functions/scim/dialect/): `tolerant`
     * (absent: Entra's and Okta's together), `entra`, `okta`, or `strict` (RFC 7643/7644 only).
     */
    dialect: z.optional(z.enum(DIALECT_NAMES)),
    /** Lifetime of the tenant's OAuth access tokens (Microsoft's gallery accepts 60-360 minutes). @default 60 */
    tokenLifetimeMinutes: z.optional(z.int().check(z.gte(60), z.lte(360))),
    /** The tenant's own schema extensions, in RFC 7643 §7 representation (see schema-extensions.ts). */
    schemaExtensions: schemaExtensionsSchema,
    /** `reject` (400 invalidValue, default) or `ignore` attributes no schema of the tenant defines (names logged). */
    unknownAttributes: z._default(z.enum(['reject', 'ignore']), 'reject'),
    /**
     * RFC 7643 §3.1 gives externalId no uniqueness (`none`, the default: Entra fills it from
     * mailNickname, which need not be unique); `server` makes a duplicate 409 uniqueness. Either way
     * `externalId eq` is a strongly consistent key lookup returning every match.
     */
    externalIdUniqueness: z._default(z.enum(['none', 'server']), 'none'),
    /** The tenant's activity log and connection health (docs/activity.md). */
    activity: z.optional(
      z.object({
        /** false: nothing of the tenant is recorded (no records, no health counters, no refusal records). @default true */
        enabled: z.optional(z.boolean()),
        /** Days a record is kept (DynamoDB TTL; never shown after). @default 30 */
        retentionDays: z.optional(z.int().check(z.gte(1), z.lte(400))),
        /** Share of successful reads recorded, 0 to 1 (each sampled read costs one PutItem). @default 0 */
        readSampleRate: z.optional(z.number().check(z.gte(0), z.lte(1))),
        /** Records carry a salted SHA-256 of userName instead of the userName. @default false */
        hashUserName: z.optional(z.boolean()),
        /** Publish a `SCIM refusal storm` event when one credential is refused more often than this in 5 minutes. */
        refusalStormThreshold: z.optional(z.int().check(z.gte(1))),
      }),
    ),
  })
  .check(
    z.superRefine((settings, ctx) => {
      // Required paths must name attributes of the tenant's own schemas: checked here, not on a request.
      const schemas = registryOf(settings);
      const profile = { ...defaultProfile, schemas };
      for (const type of ['User', 'Group'] as const satisfies readonly ResourceTypeName[]) {
        (settings.requiredAttributes[type] ?? []).forEach((path, index) => {
          try {
            parsePatchPath(profile, type, schemas.qualifyPath(type, path));
          } catch (error) {
            const why = error instanceof Error ? error.message : 'not a path';
            ctx.addIssue({ code: 'custom', path: ['requiredAttributes', type, index], message: why });
          }
        });
      }
    }),
  );

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
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
/** Settings as written in tenants.json: every member optional (defaults fill them). */
export type TenantSettingsInput = z.input<typeof tenantSettingsSchema>;

/** The tenant's schema registry as its settings declare it (core, enterprise and its extensions). */
export function registryOf(
  settings: Pick<TenantSettings, 'schemaExtensions' | 'requiredAttributes' | 'externalIdUniqueness' | 'dialect'>,
): SchemaRegistry {
  return new SchemaRegistry({
    aliases: dialectNamed(settings.dialect).subAttributeAliases,
    extensions: toSchemaExtensions(settings.schemaExtensions),
    requiredAttributes: settings.requiredAttributes,
    externalIdUniqueness: settings.externalIdUniqueness,
  });
}

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

/** `a.b[0].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

export function loadTenantsFile(path: string): TenantConfig[] {
  return parseTenantsFile(JSON.parse(readFileSync(path, 'utf8')));
}
