/**
 * Tenant settings: the zod schema every writer validates a tenant's `settings` with (tenants.json,
 * the admin API, the CLI), and the schema registry they declare. Resource functions parse stored
 * settings with it (tenants/profile-from-settings.ts), so it is written with `zod/mini`, whose
 * functions (not methods) let their bundles drop what they do not use, and it holds nothing else:
 * the tenants.json file's own schema (ids, rate tier, credentials, streams) is tenants/tenants-file.ts,
 * which only the CDK app and the local server load.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { DIALECT_NAMES, dialectNamed } from '../scim/dialect/dialect';
import { parsePatchPath } from '../scim/filter/path';
import { defaultProfile } from '../scim/scim-profile';
import { SchemaRegistry } from '../scim/schema/registry';
import type { ResourceTypeName } from '../scim/schema/types';
import { schemaExtensionsSchema, toSchemaExtensions } from './schema-extensions';
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

/** `a.b[0].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}
