/**
 * The tenant's SCIM profile for a request, built once per tenant configuration and kept.
 *
 * How settings reach the handler: the authorizer puts only a digest of the tenant's settings in
 * API Gateway's authorizer context (`settingsVersion`; the settings themselves, with schema
 * extensions, can outgrow what a context should carry). The handler keeps one profile per tenant:
 *  - context digest known for the tenant, checked less than `profileTtl` ago → no DynamoDB call;
 *  - otherwise one strongly consistent GetItem on the tenant item; the profile is rebuilt only if
 *    the settings' digest changed.
 * An authorizer decision cached by API Gateway (up to 5 min) may carry an older digest. Before the
 * handler has seen newer settings it serves its cached profile (the TTL bounds that); once it has,
 * a request with the older digest reads the tenant item again (one GetItem) rather than trusting
 * it: the digest may also be that of settings a deploy has just restored.
 *
 * The tenant's status (active or paused) is kept beside the profile and follows the same rules: the
 * authorizer's `tenantStatus` differing from the cached one reads the tenant item again, so a pause
 * or a resume takes effect at the authorizer's next evaluation and at the latest after `profileTtl`.
 */
import { environment } from '../commons/environment';
import type { ScimProfile } from '../scim/scim-profile';
import type { Db } from '../store/db';
import type { TenantStatus } from '../store/key-reads';
import { getTenant } from '../store/tenants';
import { profileOf } from '../tenants/profile-from-settings';
import { settingsDigest } from '../tenants/settings-digest';
import { logger } from './observability';

interface Entry {
  readonly digest: string;
  readonly profile: ScimProfile;
  /** The stored settings the profile was built from (the activity log reads its `activity` part). */
  readonly settings: Readonly<Record<string, unknown>>;
  status: TenantStatus;
  checkedAt: number;
}

export interface TenantState {
  readonly profile: ScimProfile;
  readonly status: TenantStatus;
}

/** What the authorizer saw (absent from older authorizers). */
export interface AuthorizerHints {
  readonly settingsVersion?: string | undefined;
  readonly status?: string | undefined;
}

const MAX_TENANTS = 1_000;
const entries = new Map<string, Entry>();
const pending = new Map<string, Promise<TenantState>>();

export async function tenantProfile(db: Db, tenantId: string, settingsVersion: string | undefined, now = Date.now()): Promise<ScimProfile> {
  return (await tenantState(db, tenantId, { settingsVersion }, now)).profile;
}

export async function tenantState(db: Db, tenantId: string, hints: AuthorizerHints, now = Date.now()): Promise<TenantState> {
  const entry = entries.get(tenantId);
  // No digest (an authorizer from before digests): the cached profile, re-checked after the TTL.
  const known =
    entry &&
    (hints.settingsVersion === undefined || hints.settingsVersion === entry.digest) &&
    (hints.status === undefined || hints.status === entry.status);
  if (entry && known && now - entry.checkedAt < environment.profileTtlSeconds() * 1000) return entry;
  const inFlight = pending.get(tenantId);
  if (inFlight) return inFlight;
  const loading = load(db, tenantId, now).finally(() => pending.delete(tenantId));
  pending.set(tenantId, loading);
  return loading;
}

/** The tenant's stored settings as last loaded for its profile (a request of the tenant has loaded them). */
export const cachedSettings = (tenantId: string): Readonly<Record<string, unknown>> | undefined => entries.get(tenantId)?.settings;

async function load(db: Db, tenantId: string, now: number): Promise<TenantState> {
  const tenant = await getTenant(db, tenantId);
  const settings = tenant?.settings ?? {};
  const status = tenant?.status ?? 'disabled';
  const digest = settingsDigest(settings);
  const known = entries.get(tenantId);
  if (known && known.digest === digest) {
    known.checkedAt = now;
    known.status = status;
    return known;
  }
  const { profile, problem } = profileOf(settings, (names) =>
    logger.info('unknown attributes ignored', { tenantId, attributes: [...names] }),
  );
  if (problem) logger.error('tenant settings do not validate; serving RFC 7643 schemas only', { tenantId, problem });
  if (entries.size >= MAX_TENANTS) entries.clear();
  const entry = { digest, profile, settings, status, checkedAt: now };
  entries.set(tenantId, entry);
  return entry;
}
