/**
 * What a writer may send to create or change a tenant, as zod schemas: the tenant service validates
 * with them (every writer: admin API, CLI, tenants.json seeding, local seeding) and the admin API's
 * OpenAPI document is generated from the same schemas, so the two cannot drift.
 */
import * as z from 'zod/mini';
import { RATE_TIER_PATTERN } from './rate-tier';
import { formatPath, tenantSettingsSchema } from './settings-schema';
import { TENANT_ID_PATTERN } from './tenant-id';
import { InvalidInput } from '../commons/service-errors';

const tenantId = z.string().check(z.regex(TENANT_ID_PATTERN, 'lowercase letters, digits and dashes, 1-63 characters'));
const displayName = z.string().check(z.minLength(1), z.maxLength(256));
/** A tier name; whether this deployment offers it is the tenant service's check (RateTiers.names). */
const rateTier = z.string().check(z.regex(RATE_TIER_PATTERN, 'a rate tier name'));

export const createTenantInput = z.strictObject({
  id: tenantId,
  displayName,
  /** Validated exactly as tenants.json's `settings` (tenants/settings-schema.ts). */
  settings: z.optional(tenantSettingsSchema),
  rateTier: z.optional(rateTier),
});

/** The statuses a writer may set; `deleting` is reached only by deleting the tenant. */
export const SETTABLE_STATUSES = ['active', 'paused', 'disabled'] as const;

export const updateTenantInput = z.strictObject({
  displayName: z.optional(displayName),
  /** Replaces the whole settings object. */
  settings: z.optional(tenantSettingsSchema),
  rateTier: z.optional(rateTier),
  status: z.optional(z.enum(SETTABLE_STATUSES)),
});

/** Parses `input` or throws InvalidInput naming every failing path (`settings.requiredAttributes.User[0]`). */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
}
