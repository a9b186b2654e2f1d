/**
 * Exact per-tenant counts of users and groups (issue #28, docs/capacity.md#listing-at-any-size): an
 * unfiltered list's totalResults is the sum of a few counter items instead of a COUNT over every item.
 *
 * Every create and delete carries one `ADD count ±1` on a counter shard in its own transaction, so the
 * count changes exactly when the resource does. The count is spread over COUNT_SHARDS items (one picked
 * at random per write): concurrent transactions naming one item conflict (TransactionConflict, retried),
 * and spreading the writes keeps that rare at an initial sync's rate. The total is one Query of the
 * shards. A grouped Bulk transaction (store/transactions.ts) merges its callers' deltas per shard first:
 * one TransactWriteItems may not name an item twice.
 *
 * The shards of a tenant with resources from before the counters are incomplete: totalResources
 * (store/resources.ts) then pays a COUNT Query, and settleCount adds the difference and marks them complete
 * when no write ran meanwhile. recountResources is the same as a repair (docs/operations.md#resource-counts).
 * The settled difference lives on its own item, shard COUNT_SHARDS, which no count change picks.
 */
import { QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { errorNamed } from '../commons/error-named';
import type { ResourceTypeName } from '../scim/schema/types';
import type { Db } from './db';
import { keys, resourceCountsPartition } from './keys';

export const COUNT_SHARDS = 16;

/**
 * The types whose every create and delete carries a count change: users in store/resources.ts, groups in
 * store/group-writes/ (create.ts, the leased create's intent transaction, remove.ts). A type not listed
 * would count its walks' totals with a COUNT Query (store/resources.ts totalResources).
 */
export const COUNTED_TYPES: readonly ResourceTypeName[] = ['User', 'Group'];

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The transaction action that adds `delta` to a random shard of the tenant's count of `type`. */
export function countChange(db: Db, tenantId: string, type: ResourceTypeName, delta: number, shard = randomShard()): TransactItem {
  return {
    Update: {
      TableName: db.table,
      Key: keys.resourceCount(tenantId, type, shard),
      // `changes` only grows: settleCount tells from it that no write ran between its reads.
      UpdateExpression: 'ADD #count :delta, changes :one SET entity = :entity, tenantId = :tenant, resourceType = :type',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': delta, ':one': 1, ':entity': 'ResourceCount', ':tenant': tenantId, ':type': type },
    },
  };
}

const randomShard = () => Math.floor(Math.random() * COUNT_SHARDS);

/** Whether an action is a count change (countChange): those are merged, never a caller's own condition. */
export function isCountChange(item: TransactItem): boolean {
  return item.Update?.ExpressionAttributeValues?.[':entity'] === 'ResourceCount';
}

/** The count changes of several transactions as one action per shard (their deltas summed; a zero sum is dropped). */
export function mergeCountChanges(items: readonly TransactItem[]): TransactItem[] {
  const merged = new Map<string, TransactItem>();
  for (const item of items) {
    const update = item.Update;
    if (!update) continue;
    const id = JSON.stringify([update.TableName, update.Key?.PK, update.Key?.SK]);
    const before = merged.get(id)?.Update;
    const delta = Number(update.ExpressionAttributeValues?.[':delta'] ?? 0) + Number(before?.ExpressionAttributeValues?.[':delta'] ?? 0);
    merged.set(id, { Update: { ...update, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':delta': delta } } });
  }
  return [...merged.values()].filter((item) => item.Update?.ExpressionAttributeValues?.[':delta'] !== 0);
}

export interface ResourceCount {
  /** The sum of the shards. */
  readonly total: number;
  /**
   * Whether the shards hold every resource of the type: set once a COUNT proved it (settleCount). A tenant
   * with resources from before the counters were built has incomplete shards until then.
   */
  readonly complete: boolean;
  /** Each shard item's number of changes as read: settleCount commits only if none changed since. */
  readonly changes: ReadonlyMap<number, number>;
}

/**
 * The tenant's count of `type`: the sum of its shards (one Query of at most COUNT_SHARDS small items).
 * Eventually consistent by default, like the list pages whose totalResults it is.
 */
export async function readResourceCount(db: Db, tenantId: string, type: ResourceTypeName, consistent = false): Promise<ResourceCount> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :type)',
      ExpressionAttributeValues: { ':pk': resourceCountsPartition(tenantId), ':type': `${type}#` },
      ConsistentRead: consistent,
    }),
  );
  return {
    total: Items.reduce((sum, item) => sum + Number(item.count ?? 0), 0),
    complete: Items.some((item) => item.complete === true),
    changes: new Map(Items.map((item) => [Number(String(item.SK).slice(type.length + 1)), Number(item.changes ?? 0)])),
  };
}

/**
 * Makes the shards add up to `items` (a COUNT of the tenant's items of `type` taken after `read`, a
 * strongly consistent readResourceCount) and marks them complete, in one transaction that holds only if
 * no shard changed since `read`: then no create or delete ran between the two reads, and `items` is the
 * exact count. False when one did (the caller may read and count again).
 */
export async function settleCount(db: Db, tenantId: string, type: ResourceTypeName, read: ResourceCount, items: number): Promise<boolean> {
  const unchanged = (shard: number) => {
    const seen = read.changes.get(shard);
    return seen === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : { ConditionExpression: 'changes = :seen', ExpressionAttributeValues: { ':seen': seen } };
  };
  const checks = Array.from({ length: COUNT_SHARDS }, (_, shard) => ({
    ConditionCheck: { TableName: db.table, Key: keys.resourceCount(tenantId, type, shard), ...unchanged(shard) },
  }));
  // The settled difference: its own item (no count change picks it), itself unchanged since `read`, so
  // of two settlings that read the same state only one adds its difference.
  const condition = unchanged(COUNT_SHARDS);
  const settle = {
    Update: {
      TableName: db.table,
      Key: keys.resourceCount(tenantId, type, COUNT_SHARDS),
      UpdateExpression: 'SET complete = :true, entity = :entity, tenantId = :tenant, resourceType = :type ADD #count :delta, changes :one',
      ConditionExpression: condition.ConditionExpression,
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: {
        ...condition.ExpressionAttributeValues,
        ':true': true,
        ':one': 1,
        ':delta': items - read.total,
        ':entity': 'ResourceCount',
        ':tenant': tenantId,
        ':type': type,
      },
    },
  };
  try {
    await db.client.send(new TransactWriteCommand({ TransactItems: [...checks, settle] }));
    return true;
  } catch (error) {
    if (errorNamed(error, 'TransactionCanceledException')) return false;
    throw error;
  }
}
