/**
 * Event stream configuration items (docs/events.md): one item per stream in the EVENT_STREAMS
 * partition, so a tenant's streams are one Query and all push streams (the delivery drivers' sweep)
 * another. The item also holds the stream's delivery lease: one delivery pass per stream at a time.
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consistentReads, type Db } from './db';
import { EVENT_STREAMS_PARTITION, eventStreamPrefix, keys } from './keys';
import { pages, type StartKey } from './paging';
import { errorNamed } from '../commons/error-named';
import { conditionally } from './conditional-write';

export type DeliveryMethod = 'push' | 'poll';

export interface StoredEventStream {
  readonly tenantId: string;
  readonly streamId: string;
  readonly method: DeliveryMethod;
  /** Push: the receiver's URL. */
  readonly endpointUrl?: string;
  /** Push: the sealed Authorization header value (events/sealed-secret.ts), never returned. */
  readonly sealedAuthorization?: string;
  /** Poll: SHA-256 (hex) of the poll credential. */
  readonly pollTokenHash?: string;
  readonly audience: string;
  readonly eventsRequested: readonly string[];
  readonly form: 'notice' | 'full';
  readonly retentionDays: number;
  readonly retryHours: number;
  readonly description?: string;
  readonly created: string;
  readonly lastModified: string;
}

const STREAM_FIELDS = [
  'tenantId',
  'streamId',
  'method',
  'endpointUrl',
  'sealedAuthorization',
  'pollTokenHash',
  'audience',
  'eventsRequested',
  'form',
  'retentionDays',
  'retryHours',
  'description',
  'created',
  'lastModified',
] as const;

function fromItem(item: Record<string, unknown>): StoredEventStream {
  const stream: Record<string, unknown> = {};
  for (const field of STREAM_FIELDS) if (item[field] !== undefined) stream[field] = item[field];
  return stream as unknown as StoredEventStream;
}

export class StreamExists extends Error {}

/** Creates the stream; throws StreamExists when the id is taken. */
export async function createEventStream(db: Db, stream: StoredEventStream): Promise<void> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.eventStream(stream.tenantId, stream.streamId), entity: 'EventStream', ...stream },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (errorNamed(error, 'ConditionalCheckFailedException')) throw new StreamExists();
    throw error;
  }
}

/** Replaces the stream's configuration (not its lease); false when it does not exist. */
export async function replaceEventStream(db: Db, stream: StoredEventStream): Promise<boolean> {
  const fields = STREAM_FIELDS.filter((f) => f !== 'tenantId' && f !== 'streamId' && f !== 'created');
  const set = fields.filter((f) => stream[f] !== undefined);
  const remove = fields.filter((f) => stream[f] === undefined);
  return conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.eventStream(stream.tenantId, stream.streamId),
        UpdateExpression: `SET ${set.map((f) => `#${f} = :${f}`).join(', ')}${remove.length ? ` REMOVE ${remove.map((f) => `#${f}`).join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries([...set, ...remove].map((f) => [`#${f}`, f])),
        ExpressionAttributeValues: Object.fromEntries(set.map((f) => [`:${f}`, stream[f]])),
      }),
    ),
  );
}

/**
 * Sets a poll stream's credential hash, replacing any (the old credential stops at once); false when
 * there is no such poll stream.
 */
export async function setPollTokenHash(
  db: Db,
  stream: { tenantId: string; streamId: string },
  hash: string,
  now: string,
): Promise<boolean> {
  return conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.eventStream(stream.tenantId, stream.streamId),
        UpdateExpression: 'SET pollTokenHash = :hash, lastModified = :now',
        ConditionExpression: 'attribute_exists(PK) AND #method = :poll',
        ExpressionAttributeNames: { '#method': 'method' },
        ExpressionAttributeValues: { ':hash': hash, ':now': now, ':poll': 'poll' },
      }),
    ),
  );
}

export async function getEventStream(db: Db, tenantId: string, streamId: string): Promise<StoredEventStream | undefined> {
  const item = await consistentReads(db).getItem(keys.eventStream(tenantId, streamId));
  return item ? fromItem(item) : undefined;
}

/** Deletes the stream configuration; false when there was none. Its outbox items expire by TTL. */
export async function deleteEventStream(db: Db, tenantId: string, streamId: string): Promise<boolean> {
  const { Attributes } = await db.client.send(
    new DeleteCommand({ TableName: db.table, Key: keys.eventStream(tenantId, streamId), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
}

async function queryStreams(db: Db, prefix: string): Promise<StoredEventStream[]> {
  const streams: StoredEventStream[] = [];
  const read = async (startKey: StartKey | undefined) => {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': EVENT_STREAMS_PARTITION, ':prefix': prefix },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) streams.push(...page.items.map(fromItem));
  return streams;
}

/** One tenant's streams, by id. */
export const listEventStreams = (db: Db, tenantId: string): Promise<StoredEventStream[]> => queryStreams(db, eventStreamPrefix(tenantId));

/** Every tenant's streams (the delivery sweep reads the push ones). */
export const listAllEventStreams = (db: Db): Promise<StoredEventStream[]> => queryStreams(db, 'TENANT#');

/**
 * Takes the stream's delivery lease until `until` (epoch ms) if it is free or expired; false when
 * another pass holds it. The lease is what keeps one resource's SETs in order across drivers.
 */
export async function takeDeliveryLease(db: Db, tenantId: string, streamId: string, owner: string, until: number): Promise<boolean> {
  return conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.eventStream(tenantId, streamId),
        UpdateExpression: 'SET deliveryLease = :owner, deliveryLeaseUntil = :until',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(deliveryLease) OR deliveryLeaseUntil < :now)',
        ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': Date.now() },
      }),
    ),
  );
}

/** Releases the lease if it is still `owner`'s (one that expired and was taken over is left alone). */
export async function releaseDeliveryLease(db: Db, tenantId: string, streamId: string, owner: string): Promise<void> {
  await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.eventStream(tenantId, streamId),
        UpdateExpression: 'REMOVE deliveryLease, deliveryLeaseUntil',
        ConditionExpression: 'deliveryLease = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );
}
