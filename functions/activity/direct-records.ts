/**
 * Records written on a request's own path: a refused or failed request (at most ONE DynamoDB call,
 * never on a successful SCIM request; a Bulk's failed operations: one call per 25), a token issued, a sampled read. The recorder counts them for
 * health when they come back on the stream. Writing one never fails the request it describes: a
 * failure to record is logged and dropped.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../commons/logger';
import { activityItem } from '../store/activity-layout';
import { putDirectActivity, writeActivityItems } from '../store/activity-items';
import type { Db } from '../store/db';
import { DEFAULT_ACTIVITY_SETTINGS, expiryOf, type ActivityRecord, type ActivitySettings } from './activity-record';

export interface DirectOptions {
  /** The tenant was read on this path (it exists). Otherwise the write is conditional on it existing. */
  readonly tenantVerified: boolean;
  /** The tenant's settings when read; else the default retention applies. */
  readonly settings?: ActivitySettings;
}

export async function recordDirect(db: Db, tenantId: string, record: ActivityRecord, options: DirectOptions): Promise<void> {
  if (options.settings?.enabled === false) return;
  const item = activityItem(
    tenantId,
    record,
    record.requestId ?? randomUUID(),
    expiryOf(record.at, options.settings ?? DEFAULT_ACTIVITY_SETTINGS),
    true,
  );
  try {
    const written = await putDirectActivity(db, item, !options.tenantVerified);
    if (!written) logger.info('refusal not recorded: no such tenant', { reason: record.reason, status: record.status });
  } catch (error) {
    logger.warn('activity record not written', { errorName: error instanceof Error ? error.name : 'unknown', tenantId });
  }
}

/**
 * The failed operations of one POST /Bulk, each its own record, in BatchWriteItem calls of 25 (one call
 * for up to 25 failures) after the operations ran: the tenant is the request's own, read on its path.
 */
export async function recordDirectMany(
  db: Db,
  tenantId: string,
  records: readonly ActivityRecord[],
  settings: ActivitySettings,
): Promise<void> {
  if (!settings.enabled || records.length === 0) return;
  const items = records.map((record, index) =>
    activityItem(tenantId, record, `${record.requestId ?? randomUUID()}-${index}`, expiryOf(record.at, settings), true),
  );
  try {
    await writeActivityItems(db, items);
  } catch (error) {
    logger.warn('activity records not written', {
      errorName: error instanceof Error ? error.name : 'unknown',
      tenantId,
      count: records.length,
    });
  }
}
