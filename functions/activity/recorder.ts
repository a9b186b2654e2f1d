/**
 * The activity recorder: a consumer of the table's stream (like the janitor and the change-event
 * publisher). It turns stamped writes and deletion notes into activity records (derive.ts), writes
 * them in BatchWriteItem calls, and keeps the health counters (store/health-items.ts): per batch and
 * tenant a few UpdateItems, never a call on a request's path. Records written directly by a refusal
 * path arrive here as inserts and are counted. A refusal storm (tenant setting) becomes one event.
 *
 * A large group write's member records (up to 100,000 or more) go chunk by chunk under the invocation's
 * deadline, resumable (recordChunkedWrite).
 *
 * At least once: a failed batch is retried from its first record; records have stable keys (written
 * again, not duplicated), counters may count a redelivered record twice.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { itemChangeOf } from '../events/stream';
import { chunkedWriteOf, markDeltaChunkRecorded, readDeltaChunks, type ChunkedWrite } from '../store/group-deltas';
import { writeActivityItems } from '../store/activity-items';
import { activityItem, nameAliasItem } from '../store/activity-layout';
import type { Db, StoredItem } from '../store/db';
import { addHourCounts, countRefusals, markCredential, markSummary, type HourDelta } from '../store/health-items';
import { getTenant } from '../store/tenants';
import { activitySettingsOf, expiryOf, type ActivityRecord, type ActivitySettings } from './activity-record';
import { deriveActivity, type Derived } from './derive';
import { departedMembers } from './departed-members';
import { logger } from '../commons/logger';

/** What the bus carries when one credential is refused more than the tenant's threshold in 5 minutes. */
export interface RefusalStorm {
  readonly tenantId: string;
  readonly credentialId: string;
  readonly refusals: number;
  readonly threshold: number;
  /** Start of the 5-minute window (epoch ms). */
  readonly windowStart: number;
  /** The last refusal's reason. */
  readonly reason?: string;
}

export type StormSink = (storm: RefusalStorm) => Promise<void>;

const STORM_WINDOW_MS = 5 * 60_000;
const SETTINGS_TTL_MS = 60_000;
const settingsCache = new Map<string, { settings: ActivitySettings; at: number }>();

async function settingsOf(db: Db, tenantId: string): Promise<ActivitySettings> {
  const cached = settingsCache.get(tenantId);
  if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.settings;
  const settings = activitySettingsOf((await getTenant(db, tenantId))?.settings);
  if (settingsCache.size > 10_000) settingsCache.clear();
  settingsCache.set(tenantId, { settings, at: Date.now() });
  return settings;
}

/** Time a recorder stopped by its deadline keeps for itself: the chunk in progress (500 records), then answering. */
const DEADLINE_MARGIN_MS = 10_000;

type Change = NonNullable<ReturnType<typeof itemChangeOf>>;

export function activityRecorder(db: () => Db, storms?: StormSink) {
  return async (event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<DynamoDBBatchResponse> => {
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : Number.POSITIVE_INFINITY;
    const changes = event.Records.flatMap((record) => {
      const change = itemChangeOf(record);
      return change ? [{ change, sequenceNumber: record.dynamodb?.SequenceNumber ?? '' }] : [];
    });
    try {
      const unfinished = await recordBatch(
        db(),
        changes.map((c) => c.change),
        deadline,
        storms,
      );
      // A large write stopped by the deadline: Lambda retries from it, and the chunks already recorded are skipped.
      const from = unfinished === undefined ? undefined : changes[unfinished]?.sequenceNumber;
      return { batchItemFailures: from === undefined ? [] : [{ itemIdentifier: from }] };
    } catch (error) {
      logger.error('activity recording failed', { errorName: error instanceof Error ? error.name : 'unknown' });
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]?.dynamodb?.SequenceNumber ?? '' }] };
    }
  };
}

async function settingsOfBatch(db: Db, changes: readonly Change[]): Promise<Map<string, ActivitySettings>> {
  const tenants = new Set<string>();
  for (const change of changes) {
    const id = (change.newImage ?? change.oldImage)?.tenantId;
    if (typeof id === 'string') tenants.add(id);
  }
  const settings = new Map<string, ActivitySettings>();
  for (const tenantId of tenants) settings.set(tenantId, await settingsOf(db, tenantId));
  return settings;
}

/**
 * Records the batch in order. A large group write (its delta in chunk items) is recorded chunk by chunk
 * (recordChunkedWrite); the changes around it as one write each side. Returns the index of a large write
 * the deadline stopped (everything before it is recorded), or undefined when the batch is done.
 */
async function recordBatch(db: Db, changes: readonly Change[], deadline: number, storms?: StormSink): Promise<number | undefined> {
  const settings = await settingsOfBatch(db, changes);
  let start = 0;
  for (const [index, change] of changes.entries()) {
    const write = chunkedWriteOf(change.newImage, change.oldImage);
    if (!write) continue;
    await recordChanges(db, changes.slice(start, index), settings, storms);
    if (!(await recordChunkedWrite(db, change, write, { settings, deadline, ...(storms ? { storms } : {}) }))) return index;
    start = index + 1;
  }
  await recordChanges(db, changes.slice(start), settings, storms);
  return undefined;
}

async function recordChanges(db: Db, changes: readonly Change[], settings: Map<string, ActivitySettings>, storms?: StormSink) {
  if (changes.length === 0) return;
  const hash = (tenantId: string) => settings.get(tenantId)?.hashUserName ?? false;
  const derived = changes
    .map((change) => deriveActivity(change, hash))
    .concat(await departedMembers(db, changes))
    .filter((d): d is Derived => d !== undefined && settings.get(d.tenantId)?.enabled !== false);

  const items: StoredItem[] = [];
  const counted = new Map<string, ActivityRecord[]>();
  for (const d of derived) {
    const tenantSettings = settings.get(d.tenantId) ?? activitySettingsOf(undefined);
    for (const { record, unique } of d.records) items.push(activityItem(d.tenantId, record, unique, expiryOf(record.at, tenantSettings)));
    for (const alias of d.aliases) items.push(nameAliasItem(d.tenantId, alias.name, alias.id, expiryOf(Date.now(), tenantSettings)));
    const requests = [...d.records.map((r) => r.record).filter((r) => r.memberId === undefined), ...(d.direct ? [d.direct] : [])];
    counted.set(d.tenantId, [...(counted.get(d.tenantId) ?? []), ...requests]);
  }
  await writeActivityItems(db, items);
  for (const [tenantId, records] of counted) await applyHealth(db, tenantId, records, settings.get(tenantId), storms);
}

/**
 * A large group write (up to a 100,000-member replace: as many member records) is more than one
 * invocation may write: a tenant's records share one partition (1,000 write units a second in
 * DynamoDB), and the recorder's timeout is 5 minutes. Its records go chunk by chunk (≤ 500 each, the
 * delta's own chunks), each chunk marked recorded on its item once written; past the deadline the
 * recorder stops after a chunk and Lambda retries from this record, which skips the marked chunks. The
 * write's own record (and its health count) comes after the last chunk. At least one chunk per invocation.
 */
async function recordChunkedWrite(
  db: Db,
  change: Change,
  write: ChunkedWrite,
  batch: { settings: Map<string, ActivitySettings>; deadline: number; storms?: StormSink },
): Promise<boolean> {
  const tenantSettings = batch.settings.get(write.tenantId) ?? activitySettingsOf(undefined);
  if (!tenantSettings.enabled) return true;
  const chunks = await readDeltaChunks(db, write);
  const memberDelta = { added: chunks.flatMap((c) => c.added), removed: chunks.flatMap((c) => c.removed) };
  const derived = deriveActivity({ ...change, newImage: { ...change.newImage, memberDelta } }, () => tenantSettings.hashUserName);
  if (!derived) return true;
  const item = ({ record, unique }: Derived['records'][number]) =>
    activityItem(write.tenantId, record, unique, expiryOf(record.at, tenantSettings));
  // The write's own record, then one per member in the delta's order (added, then removed): chunk by chunk.
  const [own, ...members] = derived.records;
  let offset = 0;
  let wrote = false;
  for (const [index, chunk] of chunks.entries()) {
    const slice = members.slice(offset, (offset += chunk.added.length + chunk.removed.length));
    if (chunk.recorded) continue;
    if (wrote && Date.now() > batch.deadline) return false;
    await writeActivityItems(db, slice.map(item));
    await markDeltaChunkRecorded(db, write, index);
    wrote = true;
  }
  if (own) {
    await writeActivityItems(db, [item(own)]);
    await applyHealth(db, write.tenantId, [own.record], tenantSettings, batch.storms);
  }
  return true;
}

const statusClass = (status: number) => (status >= 500 ? 'c5xx' : status >= 400 ? 'c4xx' : 'c2xx');
const WRITES = new Set(['create', 'replace', 'patch', 'deactivate', 'activate', 'delete']);

async function applyHealth(
  db: Db,
  tenantId: string,
  records: ActivityRecord[],
  settings: ActivitySettings | undefined,
  storms?: StormSink,
) {
  const hours = new Map<number, { c2xx: number; c4xx: number; c5xx: number; c429: number }>();
  const credentials = new Map<string, { success?: ActivityRecord; refusal?: ActivityRecord }>();
  let lastWriteAt: number | undefined;
  let last429At: number | undefined;
  let lastRequestAt: number | undefined;
  for (const record of records) {
    const hour = Math.floor(record.at / 3_600_000);
    const counts = hours.get(hour) ?? { c2xx: 0, c4xx: 0, c5xx: 0, c429: 0 };
    counts[statusClass(record.status)] += 1;
    if (record.status === 429) {
      counts.c429 += 1;
      last429At = Math.max(last429At ?? 0, record.at);
    }
    hours.set(hour, counts);
    lastRequestAt = Math.max(lastRequestAt ?? 0, record.at);
    if (record.outcome === 'success' && WRITES.has(record.operation)) lastWriteAt = Math.max(lastWriteAt ?? 0, record.at);
    const credential = credentials.get(record.credentialId ?? 'unknown') ?? {};
    const slot = record.outcome === 'success' ? 'success' : 'refusal';
    if (!credential[slot] || (credential[slot]?.at ?? 0) < record.at) credential[slot] = record;
    credentials.set(record.credentialId ?? 'unknown', credential);
  }
  for (const [epochHour, counts] of hours) await addHourCounts(db, tenantId, { epochHour, counts } satisfies HourDelta);
  for (const [credentialId, { success, refusal }] of credentials) {
    await markCredential(db, tenantId, {
      credentialId,
      ...(success ? { lastSuccessAt: success.at, lastSuccessOperation: success.operation } : {}),
      ...(refusal
        ? { lastRefusalAt: refusal.at, lastRefusalReason: refusal.reason ?? 'request_refused', lastRefusalStatus: refusal.status }
        : {}),
    });
  }
  await markSummary(db, tenantId, {
    ...(lastWriteAt !== undefined ? { lastWriteAt } : {}),
    ...(last429At !== undefined ? { last429At } : {}),
    ...(lastRequestAt !== undefined ? { lastRequestAt } : {}),
  });
  const threshold = settings?.refusalStormThreshold;
  if (threshold !== undefined) await detectStorms(db, tenantId, records, threshold, storms);
}

/** Refusals (401/403) per credential and 5-minute window; the batch that crosses the threshold publishes once. */
async function detectStorms(db: Db, tenantId: string, records: ActivityRecord[], threshold: number, storms?: StormSink) {
  const windows = new Map<string, { credentialId: string; window: number; n: number; reason?: string }>();
  for (const record of records) {
    if (record.outcome !== 'failure' || (record.status !== 401 && record.status !== 403)) continue;
    const credentialId = record.credentialId ?? 'unknown';
    const window = Math.floor(record.at / STORM_WINDOW_MS);
    const key = `${credentialId}\n${window}`;
    const entry = windows.get(key) ?? { credentialId, window, n: 0 };
    entry.n += 1;
    if (record.reason) entry.reason = record.reason;
    windows.set(key, entry);
  }
  for (const { credentialId, window, n, reason } of windows.values()) {
    const after = await countRefusals(db, tenantId, credentialId, window, n);
    if (after > threshold && after - n <= threshold) {
      const storm: RefusalStorm = {
        tenantId,
        credentialId,
        refusals: after,
        threshold,
        windowStart: window * STORM_WINDOW_MS,
        ...(reason ? { reason } : {}),
      };
      logger.warn('refusal storm', { ...storm });
      await storms?.(storm);
    }
  }
}
