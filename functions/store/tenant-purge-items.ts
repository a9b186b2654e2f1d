/**
 * What the tenant purge (tenants/tenant-purge.ts) reads and deletes, page by page, and the progress
 * it keeps on the tenant item. Every read names one of the deleted tenant's own partitions exactly
 * (a Query on PK, never a Scan, never a prefix of PK), so no other tenant's item is ever touched,
 * whatever their ids share. Deletes are BatchWriteItem calls of 25 keys (unprocessed keys again,
 * with backoff); deleting an item already gone is no error, so a page repeated after a crash is harmless.
 *
 * Progress lives on the tenant item (`purgePhase`, `purgeDeleted`, `purgeUpdatedAt`) with a lease
 * (`purgeLease`, `purgeLeaseUntil`): one invocation works on a tenant at a time, and a duplicate
 * or late message finds the lease taken, or the tenant gone or re-created, and does nothing.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorNamed } from '../commons/error-named';
import { batchWrite } from './batch-write';
import { conditionally } from './conditional-write';
import type { Db, StoredItem } from './db';
import { keys, tenantTokensPartition, type Key } from './keys';

const BATCH_WRITE = 25;
/** Batch calls of one page in flight together (each share goes as calls of 25, one after another). */
const PARALLEL_BATCHES = 4;

/** Where a purge stands, as the tenant item records it. */
export interface PurgeProgress {
  readonly phase: string;
  readonly deleted: number;
  /** When the tenant was marked `deleting` (its lastModified: a deleting tenant cannot change). */
  readonly deletingSince: string;
  readonly updatedAt?: string;
}

/** One page of deletes: how many, and whether the partition (or list) may hold more. */
export interface DeletedPage {
  readonly deleted: number;
  readonly more: boolean;
}

const progressOf = (item: StoredItem, firstPhase: string): PurgeProgress => ({
  phase: typeof item.purgePhase === 'string' ? item.purgePhase : firstPhase,
  deleted: typeof item.purgeDeleted === 'number' ? item.purgeDeleted : 0,
  deletingSince: String(item.lastModified),
  ...(typeof item.purgeUpdatedAt === 'string' ? { updatedAt: item.purgeUpdatedAt } : {}),
});

/**
 * Takes the purge lease of a tenant being deleted until `untilMs`: undefined when the tenant is not
 * `deleting` (gone, or created again) or another owner holds an unexpired lease.
 */
export async function claimPurge(
  db: Db,
  tenantId: string,
  owner: string,
  untilMs: number,
  firstPhase: string,
): Promise<PurgeProgress | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET purgeLease = :owner, purgeLeaseUntil = :until, purgePhase = if_not_exists(purgePhase, :first)',
        ConditionExpression:
          'attribute_exists(PK) AND #status = :deleting AND (attribute_not_exists(purgeLeaseUntil) OR purgeLeaseUntil < :now OR purgeLease = :owner)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': untilMs,
          ':first': firstPhase,
          ':deleting': 'deleting',
          ':now': Date.now(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return progressOf(Attributes ?? {}, firstPhase);
  } catch (error) {
    if (errorNamed(error, 'ConditionalCheckFailedException')) return undefined;
    throw error;
  }
}

/** Thrown when the lease was taken over (this invocation overran it): the other owner continues. */
export class PurgeLeaseLost extends Error {}

/** Records the phase and adds `deleted` to the count, while `owner` holds the lease. */
export async function recordPurgeProgress(db: Db, tenantId: string, owner: string, phase: string, deleted: number): Promise<void> {
  const recorded = await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET purgePhase = :phase, purgeUpdatedAt = :now ADD purgeDeleted :deleted',
        ConditionExpression: 'purgeLease = :owner',
        ExpressionAttributeValues: { ':phase': phase, ':now': new Date().toISOString(), ':deleted': deleted, ':owner': owner },
      }),
    ),
  );
  if (!recorded) throw new PurgeLeaseLost(`purge lease of ${tenantId} lost`);
}

/** Gives the lease back (the next message takes it at once); nothing when another owner has it. */
export async function releasePurge(db: Db, tenantId: string, owner: string): Promise<void> {
  await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.tenant(tenantId),
        UpdateExpression: 'REMOVE purgeLease, purgeLeaseUntil',
        ConditionExpression: 'purgeLease = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );
}

/** The last step: the tenant item itself, only while still `deleting` under this lease. Frees the id. */
export async function deletePurgedTenant(db: Db, tenantId: string, owner: string): Promise<void> {
  const deleted = await conditionally(
    db.client.send(
      new DeleteCommand({
        TableName: db.table,
        Key: keys.tenant(tenantId),
        ConditionExpression: '#status = :deleting AND purgeLease = :owner',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deleting': 'deleting', ':owner': owner },
      }),
    ),
  );
  if (!deleted) throw new PurgeLeaseLost(`purge lease of ${tenantId} lost`);
}

/** Keys of up to `limit` items of one partition (whose sort key starts with `prefix`, when given). */
export async function partitionKeys(db: Db, partition: string, limit: number, prefix?: string): Promise<{ keys: Key[]; more: boolean }> {
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: prefix === undefined ? 'PK = :pk' : 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
      ProjectionExpression: 'PK, SK',
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  const found = (result.Items ?? []).map((item) => ({ PK: String(item.PK), SK: String(item.SK) }));
  return { keys: found, more: result.LastEvaluatedKey !== undefined };
}

/** Deletes up to `limit` items of one partition (the first ones: what a previous page deleted is gone). */
export async function deletePartitionPage(db: Db, partition: string, limit: number, prefix?: string): Promise<DeletedPage> {
  const page = await partitionKeys(db, partition, limit, prefix);
  await deleteKeys(db, page.keys);
  return { deleted: page.keys.length, more: page.more };
}

/** Up to `limit` of the tenant's secret tokens: each token item (what the authorizer reads) and its listing. */
export async function deleteTokenPage(db: Db, tenantId: string, limit: number): Promise<DeletedPage> {
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': tenantTokensPartition(tenantId) },
      ProjectionExpression: 'PK, SK, tokenHash',
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  const listings = result.Items ?? [];
  // The token item first: a crash between the two leaves a listing, found again, never a live token without one.
  await deleteKeys(
    db,
    listings.filter((item) => typeof item.tokenHash === 'string').map((item) => keys.token(String(item.tokenHash))),
  );
  await deleteKeys(
    db,
    listings.map((item) => ({ PK: String(item.PK), SK: String(item.SK) })),
  );
  return { deleted: listings.length * 2, more: result.LastEvaluatedKey !== undefined };
}

/** BatchWriteItem deletes (store/batch-write.ts), a few calls of 25 keys at once. */
export async function deleteKeys(db: Db, itemKeys: readonly Key[]): Promise<void> {
  if (itemKeys.length === 0) return;
  const share = Math.ceil(itemKeys.length / PARALLEL_BATCHES / BATCH_WRITE) * BATCH_WRITE;
  const shares: Key[][] = [];
  for (let i = 0; i < itemKeys.length; i += share) shares.push(itemKeys.slice(i, i + share));
  await Promise.all(
    shares.map((keysOfShare) =>
      batchWrite(
        db,
        keysOfShare.map((Key) => ({ DeleteRequest: { Key } })),
      ),
    ),
  );
}
