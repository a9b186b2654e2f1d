/**
 * A stream's outbox (docs/events.md): the signed SETs waiting for delivery (`SET#<jti>`, oldest
 * first, since a jti starts with its time of event) and the dead letters (`DEAD#<jti>`), both with
 * the SET itself and a TTL of the stream's retention. A SET leaves the pending list only when it was
 * delivered or acknowledged (deleted) or when it is moved to the dead letters (one transaction).
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consistentReads, type Db } from './db';
import { keys, outboxPartition, sortKeyPrefix } from './keys';
import { queryPrefix } from './partition';
import { pages, startingAt, type StartKey } from './paging';
import { TTL_ATTRIBUTE } from './table-definition';
import { TransactionCancelled, transactWrite } from './transactions';
import { errorNamed } from '../commons/error-named';

export interface DeliveryError {
  /** HTTP status, or 0 for a network error or timeout. */
  readonly status: number;
  /** RFC 8935/8936 `err` code when the receiver gave one. */
  readonly err?: string;
  readonly description?: string;
}

export interface OutboxSet {
  readonly tenantId: string;
  readonly streamId: string;
  readonly jti: string;
  /** The compact JWS. */
  readonly set: string;
  /** `User/<id>`: SETs of one resource are delivered in order. */
  readonly resource: string;
  readonly version: number;
  readonly chunk: number;
  /** Epoch seconds after which DynamoDB deletes the item. */
  readonly expiresAt: number;
  readonly attempts: number;
  /** Epoch ms; 0 when due now. */
  readonly nextAttemptAt: number;
  /** Epoch ms of the first failed attempt (the retry period counts from it). */
  readonly firstFailedAt?: number;
  readonly lastError?: DeliveryError;
  /** Epoch ms when it became a dead letter. */
  readonly diedAt?: number;
}

const FIELDS = [
  'tenantId',
  'streamId',
  'jti',
  'set',
  'resource',
  'version',
  'chunk',
  'attempts',
  'nextAttemptAt',
  'firstFailedAt',
  'lastError',
  'diedAt',
] as const;

function fromItem(item: Record<string, unknown>): OutboxSet {
  const set: Record<string, unknown> = { expiresAt: item[TTL_ATTRIBUTE] };
  for (const field of FIELDS) if (item[field] !== undefined) set[field] = item[field];
  return set as unknown as OutboxSet;
}

function toItem(set: OutboxSet, key: { PK: string; SK: string }) {
  const { expiresAt, ...rest } = set;
  return { ...key, entity: 'EventSet', ...rest, [TTL_ATTRIBUTE]: expiresAt };
}

/** Writes a new pending SET; one already written under this jti (a redelivered record) is kept as it is. */
export async function putPendingSet(db: Db, set: OutboxSet): Promise<void> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: toItem(set, keys.pendingSet(set.tenantId, set.streamId, set.jti)),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}

export interface OutboxPage {
  readonly sets: OutboxSet[];
  readonly lastKey?: StartKey;
}

/** Pending SETs, oldest first. */
export async function readPendingSets(db: Db, tenantId: string, streamId: string, limit: number, startKey?: StartKey): Promise<OutboxPage> {
  const page = await queryPrefix(db, {
    partition: outboxPartition(tenantId, streamId),
    prefix: sortKeyPrefix.pendingSet,
    limit,
    ...startingAt(startKey),
  });
  const now = Math.floor(Date.now() / 1000);
  // TTL deletion lags: an expired item is already gone as far as readers are concerned.
  return { sets: page.items.map(fromItem).filter((s) => s.expiresAt > now), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}

export async function getPendingSet(db: Db, tenantId: string, streamId: string, jti: string): Promise<OutboxSet | undefined> {
  const item = await consistentReads(db).getItem(keys.pendingSet(tenantId, streamId, jti));
  return item ? fromItem(item) : undefined;
}

/** Delivered or acknowledged: removed. False when it was not pending. */
export async function deletePendingSet(db: Db, tenantId: string, streamId: string, jti: string): Promise<boolean> {
  const { Attributes } = await db.client.send(
    new DeleteCommand({ TableName: db.table, Key: keys.pendingSet(tenantId, streamId, jti), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
}

/** A failed attempt to retry later; nothing when the SET is no longer pending. */
export async function recordRetry(db: Db, set: OutboxSet, nextAttemptAt: number, error: DeliveryError): Promise<void> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.pendingSet(set.tenantId, set.streamId, set.jti),
        UpdateExpression: 'SET attempts = :attempts, nextAttemptAt = :next, firstFailedAt = :first, lastError = :error',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: {
          ':attempts': set.attempts + 1,
          ':next': nextAttemptAt,
          ':first': set.firstFailedAt ?? Date.now(),
          ':error': error,
        },
      }),
    );
  } catch (err) {
    if (!errorNamed(err, 'ConditionalCheckFailedException')) throw err;
  }
}

/** Moves a pending SET to the dead letters with its error, kept `keepSeconds` from now. */
export async function moveToDeadLetters(db: Db, set: OutboxSet, error: DeliveryError, keepSeconds: number): Promise<void> {
  const now = Date.now();
  const dead: OutboxSet = {
    ...set,
    attempts: set.attempts + 1,
    lastError: error,
    diedAt: now,
    expiresAt: Math.floor(now / 1000) + keepSeconds,
  };
  try {
    await transactWrite(db, [
      { Put: { TableName: db.table, Item: toItem(dead, keys.deadSet(set.tenantId, set.streamId, set.jti)) } },
      {
        Delete: {
          TableName: db.table,
          Key: keys.pendingSet(set.tenantId, set.streamId, set.jti),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
    ]);
  } catch (err) {
    // Already delivered, acknowledged or moved by someone else.
    if (!(err instanceof TransactionCancelled)) throw err;
  }
}

/** Every dead letter of the stream (the SET, its attempts and last error). */
export async function listDeadLetters(db: Db, tenantId: string, streamId: string): Promise<OutboxSet[]> {
  const sets: OutboxSet[] = [];
  const read = (startKey: StartKey | undefined) =>
    queryPrefix(db, { partition: outboxPartition(tenantId, streamId), prefix: sortKeyPrefix.deadSet, ...startingAt(startKey) });
  for await (const page of pages(read)) sets.push(...page.items.map(fromItem));
  return sets;
}

/** Moves every dead letter back to pending (due now, attempts reset, kept `keepSeconds`); returns how many. */
export async function redriveDeadLetters(db: Db, tenantId: string, streamId: string, keepSeconds: number): Promise<number> {
  let count = 0;
  for (const dead of await listDeadLetters(db, tenantId, streamId)) {
    const { lastError: _error, diedAt: _died, firstFailedAt: _first, ...rest } = dead;
    const pending: OutboxSet = { ...rest, attempts: 0, nextAttemptAt: 0, expiresAt: Math.floor(Date.now() / 1000) + keepSeconds };
    try {
      await transactWrite(db, [
        { Put: { TableName: db.table, Item: toItem(pending, keys.pendingSet(tenantId, streamId, dead.jti)) } },
        { Delete: { TableName: db.table, Key: keys.deadSet(tenantId, streamId, dead.jti), ConditionExpression: 'attribute_exists(PK)' } },
      ]);
      count += 1;
    } catch (err) {
      if (!(err instanceof TransactionCancelled)) throw err;
    }
  }
  return count;
}
