/**
 * tenants.json as data: the seed custom resource (functions/onboarding.ts) applies the declarations
 * of a deploy to the table, idempotently, so a small vendor can still onboard by deploy while the
 * template stays the same size for any number of tenants.
 *
 *  declared, new to the file   created, or (re-added) set active again; put on its tier
 *  declared, already seeded    displayName, settings, tier and declared federated credentials
 *                              follow the file; its status is the
 *                              vendor's (a tenant paused or disabled through the API stays so)
 *  dropped from the file       disabled: credentials refused, data kept (delete it through the API)
 *  declared, seeded, gone      deleted through the admin API (its purge done): not created again while
 *                              the file still declares it (drop it, then declare it again to re-create it)
 *
 * Every write goes through the tenant service (tenant-service.ts), as the admin API's and the CLI's.
 * The seed issues no credentials: the vendor issues a tenant's token or OAuth client through the
 * admin API or `scim-admin`, so none is ever in a template, an output or a log.
 * A tenant's tier is recorded on its item only after its key is in the tier's plan (rate-tier.ts).
 */
import { logger } from '../commons/logger';
import type { Db } from '../store/db';
import { readSeededTenants, writeSeededTenants } from '../store/seeded-tenants';
import { AlreadyExists, InvalidState } from '../commons/service-errors';
import { getTenant, type TenantRecord } from '../store/tenants';
import { declaredFederatedCredentialsSchema } from '../federation/credential-schema';
import { syncDeclaredFederatedCredentials } from '../federation/federated-credentials';
import { formatPath, tenantSettingsSchema } from './settings-schema';
import type { RateTiers } from './rate-tier';
import type { TenantSeedDeclaration } from './seed-declarations';
import { settingsDigest } from './settings-digest';
import * as z from 'zod/mini';
import { applyDeclaredStreams } from '../events/declared-streams';
import { declaredStreamSchema } from '../events/stream-config';
import { createTenant, updateTenantSettings, type TenantServiceDeps } from './tenant-service';

export interface SeedOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Tenants whose key moved to (or was created in) their declared tier's plan. */
  readonly tiered: number;
  readonly disabled: number;
  /** Declared tenants a deploy seeded before and the admin API has deleted since: left deleted. */
  readonly deleted: number;
}

type Change = 'created' | 'updated' | 'unchanged' | 'deleted';

export async function applyTenantSeed(
  db: Db,
  tiers: RateTiers,
  declarations: readonly TenantSeedDeclaration[],
  digest: string,
): Promise<SeedOutcome> {
  const deps: TenantServiceDeps = { db, rateTiers: tiers };
  const last = await readSeededTenants(db);
  const previous = new Set(last?.tenantIds ?? []);
  // The tier plans were replaced since the last seed (a rolled-back update retried): place every key again.
  const placement = await tiers.placement();
  const replaced = last?.placement !== undefined && last.placement !== placement;
  const declared = new Set(declarations.map((d) => d.id));
  const counts = { created: 0, updated: 0, unchanged: 0, tiered: 0, disabled: 0, deleted: 0 };
  for (const declaration of declarations) {
    const existing = await getTenant(db, declaration.id);
    const change = await applyDeclaration(deps, declaration, existing, !previous.has(declaration.id));
    counts[change]++;
    if (change === 'deleted') continue;
    await syncFederatedCredentials(db, declaration);
    await applyEventStreams(db, declaration);
    if (change === 'created' || existing?.rateTier !== declaration.rateTier) counts.tiered++;
    else if (replaced) {
      // Same tier, new plans: the key goes into the new plan; the item already names the tier.
      await tiers.assign(declaration.id, declaration.rateTier);
      counts.tiered++;
    }
  }
  for (const tenantId of previous) {
    if (!declared.has(tenantId) && (await disableDropped(deps, tenantId))) counts.disabled++;
  }
  await writeSeededTenants(db, { tenantIds: [...declared], placement }, digest);
  logger.info('tenants.json applied', { ...counts, tenants: declarations.length });
  return counts;
}

/**
 * Through the tenant service, as the admin API: created when new (its key put in its tier's plan);
 * otherwise displayName, settings and tier follow the file, and status becomes active when the tenant
 * was (re-)added to the file. A tenant being deleted through the API is left to its deletion, and one
 * deleted (seeded before, its item gone) stays deleted.
 */
async function applyDeclaration(
  deps: TenantServiceDeps,
  declaration: TenantSeedDeclaration,
  existing: TenantRecord | undefined,
  added: boolean,
): Promise<Change> {
  // The service parses the declared settings as given; the comparison uses the same single parse.
  const { id, displayName, rateTier, settings: declared } = declaration;
  const settings = tenantSettingsSchema.parse(declared);
  if (!existing && !added) {
    // Seeded by an earlier deploy and gone since: the vendor deleted it (DELETE /admin/v1/tenants, its purge done).
    logger.warn('tenants.json declares a tenant deleted through the admin API: not created again (drop it from the file)', {
      tenantId: id,
    });
    return 'deleted';
  }
  if (!existing) {
    try {
      await createTenant(deps, { id, displayName, settings: declared, rateTier });
      return 'created';
    } catch (error) {
      if (!(error instanceof AlreadyExists)) throw error;
    }
  }
  const status = added || !existing ? 'active' : existing.status;
  const same =
    existing &&
    existing.displayName === displayName &&
    existing.status === status &&
    existing.rateTier === rateTier &&
    settingsDigest(existing.settings) === settingsDigest(settings);
  if (same) return 'unchanged';
  try {
    await updateTenantSettings(deps, id, { displayName, settings: declared, rateTier, ...(status === 'deleting' ? {} : { status }) });
  } catch (error) {
    if (!(error instanceof InvalidState)) throw error;
    logger.warn('tenants.json declares a tenant being deleted: left to its deletion', { tenantId: id });
    return 'unchanged';
  }
  return 'updated';
}

/**
 * The tenant's declared federated credentials become exactly the file's (an empty list removes the
 * ones tenants.json declared before; those added through the admin API or CLI are left alone).
 * Validated again here, where the allowed JWKS hosts are this function's, with errors naming the path.
 */
async function syncFederatedCredentials(db: Db, declaration: TenantSeedDeclaration): Promise<void> {
  const parsed = declaredFederatedCredentialsSchema.safeParse(declaration.federatedCredentials ?? []);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${formatPath(['federatedCredentials', ...issue.path])}: ${issue.message}`);
    throw new Error(`tenant "${declaration.id}": ${issues.join('; ')}`);
  }
  await syncDeclaredFederatedCredentials(db, declaration.id, parsed.data);
}

/**
 * The tenant's declared event streams: created when missing, updated to the declaration otherwise
 * (streams added through the API or CLI are left alone). A new poll stream gets no credential here (a
 * deploy has nowhere to show one once): it keeps its SETs and refuses polls until the admin API or
 * `scim-admin streams rotate` issues one (docs/events.md).
 */
async function applyEventStreams(db: Db, declaration: TenantSeedDeclaration): Promise<void> {
  const parsed = z.array(declaredStreamSchema).safeParse(declaration.eventStreams ?? []);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${formatPath(['eventStreams', ...issue.path])}: ${issue.message}`);
    throw new Error(`tenant "${declaration.id}": ${issues.join('; ')}`);
  }
  await applyDeclaredStreams(db, declaration.id, parsed.data, 'later');
}

/** A tenant dropped from tenants.json stops authenticating; its data and usage key stay (re-adding it resumes it). */
export async function disableDropped(deps: TenantServiceDeps, tenantId: string): Promise<boolean> {
  const tenant = await getTenant(deps.db, tenantId);
  if (!tenant || tenant.status === 'disabled' || tenant.status === 'deleting') return false;
  await updateTenantSettings(deps, tenantId, { status: 'disabled' });
  return true;
}

/**
 * A per-tenant `Custom::ScimTenant` of a stack before #22, deleted by the upgrade's clean-up: the
 * seed has taken the tenant over when tenants.json still declares it (nothing changes: its items
 * and tokens stay); one dropped from the file in the same deploy is disabled, as it was before.
 */
export async function retireLegacyTenantResource(deps: TenantServiceDeps, tenantId: string): Promise<'kept' | 'disabled'> {
  const seeded = (await readSeededTenants(deps.db))?.tenantIds ?? [];
  if (seeded.includes(tenantId)) return 'kept';
  await disableDropped(deps, tenantId);
  return 'disabled';
}
