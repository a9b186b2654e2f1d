/**
 * The tenant service: the one way tenants are created, read, listed, changed and deleted. The admin
 * API, the `scim-admin` CLI, the tenants.json custom resource and the local server's seeding all
 * call it, so validation (ids, settings exactly as tenants.json, rate tiers, statuses), uniqueness of
 * ids and the status rules hold whichever way a tenant is written. Failures a caller can fix are
 * ServiceErrors (commons/service-errors.ts).
 */
import {
  AlreadyExists,
  InvalidCursor,
  InvalidInput,
  InvalidState,
  isConditionFailure,
  LimitReached,
  NotFound,
} from '../commons/service-errors';
import { decodeCursor, encodeCursor } from '../provisioning/cursor';
import { cursorKey } from '../store/cursor-key';
import type { Db } from '../store/db';
import { getTenant, insertTenant, listTenantPage, updateTenant, type TenantRecord } from '../store/tenants';
import { tenantSettingsSchema } from './settings-schema';
import { configuredPurgeQueue, type PurgeQueue } from './purge-queue';
import { RateTierError, SHARED_RATE_TIER, type RateTiers } from './rate-tier';
import { createTenantInput, parseInput, updateTenantInput } from './tenant-input';

/** What the service writes through: the table, and the port that gives a tenant its own API key. */
export interface TenantServiceDeps {
  readonly db: Db;
  readonly rateTiers: RateTiers;
  /** Where a deleted tenant's purge is asked for (default: the environment's, tenants/purge-queue.ts). */
  readonly purgeQueue?: PurgeQueue;
}

/** A tenant as the admin API shows it. */
export interface TenantView {
  readonly id: string;
  readonly displayName: string;
  readonly status: TenantRecord['status'];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly rateTier: string;
  readonly createdAt: string;
  readonly lastModified: string;
  /** While `deleting`: how far the background purge has come (tenants/tenant-purge.ts). */
  readonly deletion?: { readonly phase: string; readonly itemsDeleted: number; readonly updatedAt?: string };
}

export interface TenantPage {
  readonly items: readonly TenantView[];
  readonly nextCursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const LIST_BINDING = 'admin:tenants';

export function toTenantView(tenant: TenantRecord): TenantView {
  return {
    id: tenant.tenantId,
    displayName: tenant.displayName,
    status: tenant.status,
    settings: tenant.settings,
    rateTier: tenant.rateTier ?? SHARED_RATE_TIER,
    createdAt: tenant.created,
    lastModified: tenant.lastModified,
    ...(tenant.purge
      ? {
          deletion: {
            phase: tenant.purge.phase,
            itemsDeleted: tenant.purge.deleted,
            ...(tenant.purge.updatedAt ? { updatedAt: tenant.purge.updatedAt } : {}),
          },
        }
      : {}),
  };
}

/**
 * A new, active tenant; AlreadyExists when the id is taken (also by a disabled or deleting tenant).
 * Then its own API key goes into its tier's plan, and the item records the tier once that is done
 * (docs/throttling.md). With the account's keys used up it stays on the shared plan and says so.
 */
export async function createTenant(deps: TenantServiceDeps, input: unknown): Promise<TenantView> {
  const parsed = parseInput(createTenantInput, input);
  const tier = knownTier(deps.rateTiers, parsed.rateTier ?? deps.rateTiers.defaultTier);
  let created: TenantRecord;
  try {
    created = await insertTenant(deps.db, {
      tenantId: parsed.id,
      displayName: parsed.displayName,
      settings: parsed.settings ?? tenantSettingsSchema.parse({}),
    });
  } catch (error) {
    if (isConditionFailure(error)) throw new AlreadyExists(`tenant "${parsed.id}" exists`);
    throw error;
  }
  return toTenantView(await assignTier(deps, created, tier));
}

async function assignTier(deps: TenantServiceDeps, tenant: TenantRecord, tier: string): Promise<TenantRecord> {
  try {
    await deps.rateTiers.assign(tenant.tenantId, tier);
  } catch (error) {
    if (error instanceof RateTierError && error.reason === 'capacity' && tenant.rateTier === undefined) return tenant;
    if (error instanceof RateTierError && error.reason === 'capacity') throw new LimitReached(error.message);
    throw error;
  }
  const result = await updateTenant(deps.db, tenant.tenantId, { rateTier: tier });
  return 'updated' in result ? result.updated : tenant;
}

function knownTier(tiers: RateTiers, tier: string): string {
  if (!tiers.names.includes(tier)) throw new InvalidInput([{ path: 'rateTier', message: `one of ${tiers.names.join(', ')}` }]);
  return tier;
}

/** The tenant, in any status (a tenant being deleted shows `deleting`). */
export async function readTenant(db: Db, tenantId: string): Promise<TenantView> {
  return toTenantView(await existing(db, tenantId));
}

/** One page of tenants in id order; `cursor` is the previous page's `nextCursor` (opaque, signed, expires). */
export async function listTenants(db: Db, options: { limit?: number; cursor?: string } = {}): Promise<TenantPage> {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidInput([{ path: 'limit', message: `an integer from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  const secret = await cursorKey(db);
  const startKey = options.cursor === undefined ? undefined : startKeyOf(secret, options.cursor);
  const page = await listTenantPage(db, { limit, ...(startKey ? { startKey } : {}) });
  return {
    items: page.items.map(toTenantView),
    ...(page.lastKey ? { nextCursor: encodeCursor(secret, LIST_BINDING, { lastKey: page.lastKey }) } : {}),
  };
}

/**
 * Changes displayName, settings (replaced whole), status and/or rateTier (the key moves to the new
 * tier's plan first, then the item says so); a deleting tenant cannot change.
 */
export async function updateTenantSettings(deps: TenantServiceDeps, tenantId: string, input: unknown): Promise<TenantView> {
  const { rateTier, ...changes } = parseInput(updateTenantInput, input);
  if (rateTier !== undefined) knownTier(deps.rateTiers, rateTier);
  const result = await updateTenant(deps.db, tenantId, changes);
  if (!('updated' in result)) {
    if (!result.refused) throw new NotFound(`no tenant "${tenantId}"`);
    throw new InvalidState(`tenant "${tenantId}" is being deleted`);
  }
  if (rateTier === undefined || rateTier === result.updated.rateTier) return toTenantView(result.updated);
  return toTenantView(await assignTier(deps, result.updated, rateTier));
}

/**
 * Marks the tenant `deleting`: from then on its credentials are refused and nothing of it is
 * served; then asks for its purge (tenants/tenant-purge.ts), which removes its data and finally the
 * tenant item. Idempotent: a tenant already being deleted is returned as it is and its purge asked
 * for again (how a stalled purge is resumed; a second message finds the work leased or done).
 */
export async function deleteTenant(deps: TenantServiceDeps, tenantId: string): Promise<TenantView> {
  const result = await updateTenant(deps.db, tenantId, { status: 'deleting' });
  if (!('updated' in result) && !result.refused) throw new NotFound(`no tenant "${tenantId}"`);
  // Its key goes now (idempotent: a retried delete releases again); the tenant is refused anyway.
  await deps.rateTiers.release(tenantId);
  await (deps.purgeQueue ?? configuredPurgeQueue()).request(tenantId);
  return toTenantView('updated' in result ? result.updated : (result.refused as TenantRecord));
}

async function existing(db: Db, tenantId: string): Promise<TenantRecord> {
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new NotFound(`no tenant "${tenantId}"`);
  return tenant;
}

function startKeyOf(secret: Buffer, cursor: string): Record<string, unknown> {
  try {
    const position = decodeCursor(secret, LIST_BINDING, cursor);
    if ('lastKey' in position) return position.lastKey;
  } catch {
    // A cursor from elsewhere, tampered with or expired (decodeCursor's reasons): one answer.
  }
  throw new InvalidCursor('The cursor is not one this service issued for this list, or it expired; start again without one.');
}
