/**
 * Activity records, name aliases, deletion and departure notes in the table (keys in keys.ts): how a record
 * becomes an item and back, the recorder's batch writes, the one-call write of a refusal, and the
 * newest-first queries (the tenant's log, or one resource's history through GSI1, never a scan).
 */
import { BatchGetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { recordOfItem, RECORDING_TENANT, type ActivityFields } from './activity-layout';
import { batchWrite, UNPROCESSED_RETRY } from './batch-write';
import { partitionPages } from './partition';
import { backoff } from '../commons/retry';
import type { Db, StoredItem } from './db';
import { activityKeys, activityOfResourcePartition, activityPartition, activitySortKeyBound, keys, type Key } from './keys';
import { GSI1 } from './table-definition';
import { errorNamed } from '../commons/error-named';

const BATCH_GET = 100;

/** Written in a delete's own transaction: who deleted (the item itself is gone from the stream's new image). */
export function deletionNotePut(
  db: Db,
  tenantId: string,
  type: 'User' | 'Group',
  id: string,
  identifier: string | undefined,
  writtenBy: Readonly<Record<string, unknown>>,
) {
  const requestId = String(writtenBy.requestId ?? 'unknown');
  return {
    Put: {
      TableName: db.table,
      Item: {
        ...activityKeys.deletionNote(tenantId, type, id, requestId),
        entity: 'DeletionNote',
        tenantId,
        resourceType: type,
        id,
        ...(identifier !== undefined ? { identifier } : {}),
        writtenBy,
        at: Date.now(),
        expiresAt: Math.floor(Date.now() / 1000) + 86_400,
      },
    },
  };
}

/** Written in the transaction that deletes a deleted user's membership: that removal, and its cause. */
export function departureNotePut(db: Db, tenantId: string, groupId: string, userId: string, at: number) {
  return {
    Put: {
      TableName: db.table,
      Item: {
        ...activityKeys.departureNote(tenantId, groupId, userId, at),
        entity: 'MemberDeparture',
        tenantId,
        groupId,
        userId,
        at,
        expiresAt: Math.floor(at / 1000) + 86_400,
      },
    },
  };
}

/** Items in BatchWriteItem calls of 25; unprocessed ones go again with backoff. */
export async function writeActivityItems(db: Db, items: readonly StoredItem[]): Promise<void> {
  await batchWrite(
    db,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

/**
 * One call: the record, written only if the tenant exists when `tenantUnverified` (a refusal on a
 * URL naming a tenant the caller has not read: an unknown tenant gets no partition). False when not written.
 */
export async function putDirectActivity(db: Db, item: StoredItem, tenantUnverified: boolean): Promise<boolean> {
  if (!tenantUnverified) {
    await db.client.send(new PutCommand({ TableName: db.table, Item: item }));
    return true;
  }
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: db.table,
              Key: keys.tenant(String(item.tenantId)),
              ConditionExpression: RECORDING_TENANT.expression,
              ExpressionAttributeNames: RECORDING_TENANT.names,
              ExpressionAttributeValues: { ':off': false },
            },
          },
          { Put: { TableName: db.table, Item: item } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (errorNamed(error, 'TransactionCanceledException')) return false;
    throw error;
  }
}

export interface ActivityQuery {
  /** One resource's history (several ids: a userName that named several users over time). */
  readonly resourceIds?: readonly string[];
  readonly since?: number;
  readonly until?: number;
  /** Sort key of the last record of the previous page (exclusive). */
  readonly before?: string;
  readonly limit: number;
  readonly outcome?: string;
  readonly reason?: string;
}

export interface ActivityPage<R extends ActivityFields> {
  readonly records: R[];
  /** Sort key to continue from (older records exist, or the read budget ran out). */
  readonly next?: string;
}

/** Pages read per query before it answers with what it has and a cursor (filters may skip many records). */
const PAGE_BUDGET = 10;
const PAGE_SIZE = 500;

function sortKeyRange(query: ActivityQuery): { lo: string; hi: string } {
  const lo = activitySortKeyBound(query.since ?? 0);
  const upper = query.until !== undefined ? `${activitySortKeyBound(query.until)}#~` : 'AT#~';
  const hi = query.before !== undefined && query.before < upper ? query.before : upper;
  return { lo, hi };
}

const matches = (query: ActivityQuery, item: StoredItem) =>
  (query.outcome === undefined || item.outcome === query.outcome) && (query.reason === undefined || item.reason === query.reason);

/** Newest first, as the caller's record type `R` (activity/activity-record.ts). */
export async function queryActivity<R extends ActivityFields>(db: Db, tenantId: string, query: ActivityQuery): Promise<ActivityPage<R>> {
  if (query.resourceIds && query.resourceIds.length > 0) return queryResources<R>(db, tenantId, query, query.resourceIds);
  const { lo, hi } = sortKeyRange(query);
  const found: StoredItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < PAGE_BUDGET; page += 1) {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': activityPartition(tenantId), ':lo': lo, ':hi': hi },
        ScanIndexForward: false,
        Limit: PAGE_SIZE,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) {
      if (item.SK === query.before || item.entity !== 'Activity' || !matches(query, item)) continue;
      found.push(item);
      if (found.length === query.limit) return { records: found.map((item) => recordOfItem<R>(item)), next: String(item.SK) };
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) return { records: found.map((item) => recordOfItem<R>(item)) };
  }
  return { records: found.map((item) => recordOfItem<R>(item)), next: String(startKey?.SK ?? found.at(-1)?.SK) };
}

/** Through GSI1 (keys only), then the items themselves (BatchGetItem), merged newest first. */
async function queryResources<R extends ActivityFields>(
  db: Db,
  tenantId: string,
  query: ActivityQuery,
  ids: readonly string[],
): Promise<ActivityPage<R>> {
  const { lo, hi } = sortKeyRange(query);
  const found: StoredItem[] = [];
  let more = false;
  for (const id of ids) {
    let startKey: Record<string, unknown> | undefined;
    let kept = 0;
    for (let page = 0; page < PAGE_BUDGET && kept < query.limit; page += 1) {
      const result = await db.client.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: GSI1.indexName,
          KeyConditionExpression: `${GSI1.partitionKey} = :pk AND ${GSI1.sortKey} BETWEEN :lo AND :hi`,
          ExpressionAttributeValues: { ':pk': activityOfResourcePartition(tenantId, id), ':lo': lo, ':hi': hi },
          ScanIndexForward: false,
          Limit: Math.min(PAGE_SIZE, query.limit + 1),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const items = (
        await getItems(
          db,
          (result.Items ?? []).map((k) => ({ PK: String(k.PK), SK: String(k.SK) })),
        )
      ).filter((item) => item.SK !== query.before && matches(query, item));
      found.push(...items);
      kept += items.length;
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    if (startKey) more = true;
  }
  found.sort((a, b) => (String(a.SK) < String(b.SK) ? 1 : -1));
  const page = found.slice(0, query.limit);
  const next = found.length > query.limit || more ? page.at(-1)?.SK : undefined;
  return { records: page.map((item) => recordOfItem<R>(item)), ...(next !== undefined ? { next: String(next) } : {}) };
}

async function getItems(db: Db, itemKeys: readonly Key[]): Promise<StoredItem[]> {
  const found: StoredItem[] = [];
  for (let i = 0; i < itemKeys.length; i += BATCH_GET) {
    let pending: Record<string, unknown>[] = itemKeys.slice(i, i + BATCH_GET).map((k) => ({ ...k }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt, UNPROCESSED_RETRY);
      const result = await db.client.send(new BatchGetCommand({ RequestItems: { [db.table]: { Keys: pending } } }));
      found.push(...(result.Responses?.[db.table] ?? []));
      pending = (result.UnprocessedKeys?.[db.table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

/** The ids a userName (or its hash) has named, newest alias first (one Query on the alias prefix). */
export async function idsByName(db: Db, tenantId: string, name: string): Promise<string[]> {
  const prefix = activityKeys.namePrefix(tenantId, name);
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SK },
    }),
  );
  return [...new Set((result.Items ?? []).map((item) => String(item.resourceId)))];
}

/** Deletes every item of a partition (a tenant's activity or health; the caller names which). */
export async function deletePartition(db: Db, partition: string): Promise<number> {
  let deleted = 0;
  for await (const items of partitionPages(db, partition, { projection: 'PK, SK' })) {
    await batchWrite(
      db,
      items.map((item) => ({ DeleteRequest: { Key: { PK: item.PK, SK: item.SK } } })),
    );
    deleted += items.length;
  }
  return deleted;
}
