/**
 * The activity log and connection health as operators and the admin API see them: one tenant's
 * records newest first (by resource id or userName through the index, never a scan of the tenant's
 * log), and a health summary from the counters the recorder keeps. Every read is inside one
 * tenant's partitions; nothing here can name another tenant's records.
 */
import { activityPartitions } from '../store/keys';
import { deletePartition, idsByName, queryActivity } from '../store/activity-items';
import type { Db } from '../store/db';
import { readHealthItems } from '../store/health-items';
import { findIdByUnique } from '../store/resources';
import { getTenant } from '../store/tenants';
import { activitySettingsOf, type ActivityRecord } from './activity-record';
import { hashedName } from '../commons/user-name-hash';
import { isReasonCode } from './reason-codes';
import { InvalidCursor, InvalidInput } from '../commons/service-errors';
import { servedTenant } from '../commons/served-tenant';

export const MAX_ACTIVITY_LIMIT = 500;
export const DEFAULT_ACTIVITY_LIMIT = 50;

export interface ActivityFilter {
  readonly resourceId?: string;
  readonly userName?: string;
  readonly outcome?: string;
  readonly reason?: string;
  /** Epoch ms, inclusive. */
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ActivityResult {
  readonly records: ActivityRecord[];
  /** Pass back as `cursor` for older records; absent at the end. */
  readonly nextCursor?: string;
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^AT#\d{13}#[\w.:-]+$/.test(sortKey)) throw new InvalidCursor('cursor is not a cursor this endpoint returned');
  return sortKey;
}

export async function tenantActivity(db: Db, tenantId: string, filter: ActivityFilter): Promise<ActivityResult> {
  const tenant = servedTenant(await getTenant(db, tenantId), tenantId);
  const settings = activitySettingsOf(tenant.settings);
  const limit = filter.limit ?? DEFAULT_ACTIVITY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACTIVITY_LIMIT) {
    throw new InvalidInput([{ path: 'limit', message: `an integer from 1 to ${MAX_ACTIVITY_LIMIT}` }]);
  }
  if (filter.outcome !== undefined && filter.outcome !== 'success' && filter.outcome !== 'failure') {
    throw new InvalidInput([{ path: 'outcome', message: 'success or failure' }]);
  }
  if (filter.reason !== undefined && !isReasonCode(filter.reason))
    throw new InvalidInput([{ path: 'reason', message: `"${filter.reason}" is not a reason code (docs/activity.md)` }]);
  // Never older than the tenant's retention, even before DynamoDB's TTL has deleted a record.
  const oldest = Date.now() - settings.retentionDays * 86_400_000;
  const resourceIds = await subjectIds(db, tenantId, filter, settings.hashUserName);
  if (resourceIds && resourceIds.length === 0) return { records: [] };
  const page = await queryActivity<ActivityRecord>(db, tenantId, {
    ...(resourceIds ? { resourceIds } : {}),
    since: Math.max(oldest, filter.since ?? 0),
    ...(filter.until !== undefined ? { until: filter.until } : {}),
    ...(filter.cursor !== undefined ? { before: decodeCursor(filter.cursor) } : {}),
    limit,
    ...(filter.outcome !== undefined ? { outcome: filter.outcome } : {}),
    ...(filter.reason !== undefined ? { reason: filter.reason } : {}),
  });
  return { records: page.records, ...(page.next !== undefined ? { nextCursor: encodeCursor(page.next) } : {}) };
}

/** The ids whose history is asked for: a resource id, or the users a userName has named (live or deleted). */
async function subjectIds(db: Db, tenantId: string, filter: ActivityFilter, hash: boolean): Promise<string[] | undefined> {
  if (filter.resourceId !== undefined) return [filter.resourceId];
  if (filter.userName === undefined) return undefined;
  const name = hash ? hashedName(tenantId, filter.userName) : filter.userName.toLowerCase();
  const ids = new Set(await idsByName(db, tenantId, name));
  const live = await findIdByUnique(db, tenantId, 'User', { attribute: 'userName', value: filter.userName.toLowerCase(), shared: false });
  if (live) ids.add(live);
  return [...ids];
}

export interface CredentialHealth {
  readonly credentialId: string;
  readonly lastSuccessAt?: string;
  readonly lastSuccessOperation?: string;
  readonly lastRefusalAt?: string;
  readonly lastRefusalReason?: string;
  readonly lastRefusalStatus?: number;
}

export interface WindowCounts {
  readonly requests: number;
  readonly '2xx': number;
  readonly '4xx': number;
  readonly '5xx': number;
  readonly '429': number;
}

export type HealthVerdict = 'never_called' | 'refused' | 'throttled' | 'failing' | 'working' | 'idle';

export interface TenantHealth {
  readonly tenantId: string;
  /** One word for the situation, from the counters below (docs/activity.md says how). */
  readonly verdict: HealthVerdict;
  readonly credentials: CredentialHealth[];
  readonly lastHour: WindowCounts;
  readonly lastDay: WindowCounts;
  readonly lastWriteAt?: string;
  readonly last429At?: string;
  readonly lastRequestAt?: string;
}

const iso = (value: unknown) => (typeof value === 'number' ? new Date(value).toISOString() : undefined);

export async function tenantHealth(db: Db, tenantId: string, now = Date.now()): Promise<TenantHealth> {
  servedTenant(await getTenant(db, tenantId), tenantId);
  const items = await readHealthItems(db, tenantId);
  const currentHour = Math.floor(now / 3_600_000);
  const empty = (): { requests: number; '2xx': number; '4xx': number; '5xx': number; '429': number } => ({
    requests: 0,
    '2xx': 0,
    '4xx': 0,
    '5xx': 0,
    '429': 0,
  });
  const lastHour = empty();
  const lastDay = empty();
  const credentials: CredentialHealth[] = [];
  let summary: Record<string, unknown> = {};
  for (const item of items) {
    const sk = String(item.SK);
    if (sk.startsWith('HOUR#')) {
      const hour = Number(sk.slice(5));
      for (const window of [...(hour === currentHour ? [lastHour] : []), ...(hour > currentHour - 24 ? [lastDay] : [])]) {
        window['2xx'] += Number(item.c2xx ?? 0);
        window['4xx'] += Number(item.c4xx ?? 0);
        window['5xx'] += Number(item.c5xx ?? 0);
        window['429'] += Number(item.c429 ?? 0);
        window.requests = window['2xx'] + window['4xx'] + window['5xx'];
      }
    } else if (sk.startsWith('CRED#')) {
      credentials.push(credentialOf(item));
    } else if (sk === 'SUMMARY') {
      summary = item;
    }
  }
  const health = {
    tenantId,
    credentials: credentials.sort((a, b) => (latest(b) > latest(a) ? 1 : -1)),
    lastHour,
    lastDay,
    ...(iso(summary.lastWriteAt) ? { lastWriteAt: iso(summary.lastWriteAt) } : {}),
    ...(iso(summary.last429At) ? { last429At: iso(summary.last429At) } : {}),
    ...(iso(summary.lastRequestAt) ? { lastRequestAt: iso(summary.lastRequestAt) } : {}),
  };
  return { ...health, verdict: verdictOf(health, now) };
}

function credentialOf(item: Record<string, unknown>): CredentialHealth {
  return {
    credentialId: String(item.credentialId),
    ...(iso(item.lastSuccessAt) ? { lastSuccessAt: iso(item.lastSuccessAt), lastSuccessOperation: String(item.lastSuccessOperation) } : {}),
    ...(iso(item.lastRefusalAt)
      ? {
          lastRefusalAt: iso(item.lastRefusalAt),
          lastRefusalReason: String(item.lastRefusalReason),
          lastRefusalStatus: Number(item.lastRefusalStatus),
        }
      : {}),
  };
}

const latest = (c: CredentialHealth) => [c.lastSuccessAt ?? '', c.lastRefusalAt ?? ''].sort().at(-1) ?? '';

/**
 * never_called: nothing recorded at all; refused: in the last hour only refusals (401/403), no
 * success; throttled: a 429 in the last hour; failing: 5xx without success; working: a success in
 * the last day; idle: successes older than a day and nothing since.
 */
function verdictOf(health: Omit<TenantHealth, 'verdict'>, now: number): HealthVerdict {
  if (health.credentials.length === 0 && health.lastDay.requests === 0) return 'never_called';
  const hourAgo = new Date(now - 3_600_000).toISOString();
  const dayAgo = new Date(now - 86_400_000).toISOString();
  if (health.last429At !== undefined && health.last429At >= hourAgo) return 'throttled';
  const recentSuccess = health.credentials.some((c) => (c.lastSuccessAt ?? '') >= hourAgo);
  const recentRefusal = health.credentials.some(
    (c) => (c.lastRefusalAt ?? '') >= hourAgo && (c.lastRefusalStatus === 401 || c.lastRefusalStatus === 403),
  );
  if (recentRefusal && !recentSuccess) return 'refused';
  if (health.lastHour['5xx'] > 0 && !recentSuccess) return 'failing';
  if (health.credentials.some((c) => (c.lastSuccessAt ?? '') >= dayAgo)) return 'working';
  return 'idle';
}

/** Deletes every activity record and health counter of the tenant (with the tenant: docs/activity.md). */
export async function deleteTenantActivity(db: Db, tenantId: string): Promise<number> {
  let deleted = 0;
  for (const partition of activityPartitions(tenantId)) deleted += await deletePartition(db, partition);
  return deleted;
}
