/**
 * The tenant's SCIM profile for a request, built once per tenant configuration and kept.
 *
 * How settings reach the handler: the authorizer puts only a digest of the tenant's settings in
 * API Gateway's authorizer context (`settingsVersion`; the settings themselves, with schema
 * extensions, can outgrow what a context should carry). The handler keeps one profile per tenant:
 *  - context digest known for the tenant, checked less than `profileTtl` ago → no DynamoDB call;
 *  - otherwise one strongly consistent GetItem on the tenant item; the profile is rebuilt only if
 *    the settings' digest changed.
 * An authorizer decision cached by API Gateway (up to 5 min) may carry an older digest: it is then
 * an alias of the current profile, and the TTL bounds how long a container can serve settings a
 * deploy has replaced.
 */
import { environment } from '../commons/environment';
import type { ScimProfile } from '../scim/profile';
import type { Db } from '../store/db';
import { getTenant } from '../store/tenants';
import { profileOf } from '../tenants/profile';
import { settingsDigest } from '../tenants/settings-digest';
import { logger } from './observability';

interface Entry {
  readonly digest: string;
  readonly profile: ScimProfile;
  /** Digests that mean this profile: the current one and stale ones seen in authorizer contexts. */
  readonly aliases: Set<string>;
  checkedAt: number;
}

const MAX_TENANTS = 1_000;
const MAX_ALIASES = 20;
const entries = new Map<string, Entry>();
const pending = new Map<string, Promise<ScimProfile>>();

export async function tenantProfile(db: Db, tenantId: string, settingsVersion: string | undefined, now = Date.now()): Promise<ScimProfile> {
  const version = settingsVersion ?? '';
  const entry = entries.get(tenantId);
  if (entry && entry.aliases.has(version) && now - entry.checkedAt < environment.profileTtlSeconds() * 1000) return entry.profile;
  const key = `${tenantId}\u0000${version}`;
  const inFlight = pending.get(key);
  if (inFlight) return inFlight;
  const loading = load(db, tenantId, version, now).finally(() => pending.delete(key));
  pending.set(key, loading);
  return loading;
}

async function load(db: Db, tenantId: string, version: string, now: number): Promise<ScimProfile> {
  const tenant = await getTenant(db, tenantId);
  const settings = tenant?.settings ?? {};
  const digest = settingsDigest(settings);
  const known = entries.get(tenantId);
  if (known && known.digest === digest) {
    known.aliases.add(version);
    known.checkedAt = now;
    return known.profile;
  }
  const { profile, problem } = profileOf(settings, (names) => logger.info('unknown attributes ignored', { tenantId, attributes: [...names] }));
  if (problem) logger.error('tenant settings do not validate; serving RFC 7643 schemas only', { tenantId, problem });
  if (entries.size >= MAX_TENANTS) entries.clear();
  // Digests of the settings this one replaces stay aliases: a cached authorizer answer carrying one gets the newest profile.
  const aliases = new Set([...(known?.aliases ?? []), digest, version].slice(-MAX_ALIASES));
  entries.set(tenantId, { digest, profile, aliases, checkedAt: now });
  return profile;
}
