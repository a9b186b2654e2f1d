/**
 * Stream records → RFC 9967 SETs (change-event.ts) → a sink (EventBridge in AWS, a file or memory
 * locally). Delivery is at least once: a record whose events fail after retries is reported as a
 * batch item failure, Lambda retries from it, and after the retry limit it lands in the dead-letter
 * queue the stack configures. Consumers de-duplicate on `jti` (stable across redeliveries). A large
 * group write's member delta goes as one event per chunk of 500 ids, in order (docs/events.md).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { environment } from '../commons/environment';
import { securityEventFor, type EventOptions, type ScimSecurityEvent } from './change-event';
import { itemChangeOf } from './stream';
import { backoff } from '../commons/retry';
import type { Db } from '../store/db';
import { chunkedWriteOf, deltaChunksOfWrite } from '../store/group-deltas';
import { eventsPerChunk } from './chunked-events';

export type PublishedEvent = ScimSecurityEvent;

/** Sends events; resolves with the indexes of those that were not accepted. */
export type EventSink = (events: readonly PublishedEvent[]) => Promise<number[]>;

const ATTEMPTS = 3;

/** The deployment's event options (SCIM_EVENT_FORM, SCIM_EVENT_ISSUER), read when asked. */
export const deploymentEventOptions = (): EventOptions => ({ form: environment.eventForm(), issuer: environment.eventIssuer() });

/** A stream record's events: one, or a large group write's one per chunk of its member delta (chunked-events.ts). */
async function eventsOfRecord(record: DynamoDBRecord, options: EventOptions, db?: () => Db): Promise<PublishedEvent[]> {
  const change = itemChangeOf(record);
  if (!change) return [];
  // The table is read (and its client made) only for a large write's record.
  const chunks =
    db && chunkedWriteOf(change.newImage, change.oldImage) ? await deltaChunksOfWrite(db(), change.newImage, change.oldImage) : undefined;
  if (chunks && chunks.length > 0) {
    return eventsPerChunk(change, options, chunks).map((event, index) => ({ ...event, jti: chunkJti(change.recordId, index + 1) }));
  }
  const set = securityEventFor(change, options);
  return set ? [set] : [];
}

/** `<stream record id>-<chunk, 4 digits>`: stable across redeliveries, in chunk order; `txn` stays the record id. */
const chunkJti = (recordId: string, index: number) => `${recordId}-${String(index).padStart(4, '0')}`;

/**
 * Publishes a batch's events. With `db`, a large group write's member delta is read from its chunk
 * items (store/group-deltas.ts): one entry per chunk, as the event streams get one SET per chunk.
 * A record whose chunks cannot be read is reported as the batch's failure (Lambda retries from it).
 */
export function streamPublisher(sink: EventSink, options: () => EventOptions = deploymentEventOptions, db?: () => Db) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const eventOptions = options();
    const batches: { sequenceNumber: string; events: PublishedEvent[] }[] = [];
    let unread: string | undefined;
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      try {
        batches.push({ sequenceNumber, events: await eventsOfRecord(record, eventOptions, db) });
      } catch {
        unread = sequenceNumber;
        break;
      }
    }
    const all = batches.flatMap((batch) => batch.events);
    const failed = await sendWithRetries(sink, all);
    const failedIds = new Set(failed.map((e) => e.jti));
    // Report the first failing record: Lambda retries the batch from there (ordering is kept).
    const first = batches.find((batch) => batch.events.some((e) => failedIds.has(e.jti)))?.sequenceNumber ?? unread;
    return { batchItemFailures: first !== undefined ? [{ itemIdentifier: first }] : [] };
  };
}

/** Failed sends go again after a jittered wait (commons/retry.ts). */
const sinkRetry = { baseMs: 100, capMs: 2_000 };

async function sendWithRetries(sink: EventSink, events: readonly PublishedEvent[]): Promise<PublishedEvent[]> {
  let pending = [...events];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt += 1) {
    if (attempt > 1) await backoff(attempt, sinkRetry);
    try {
      const failed = new Set(await sink(pending));
      pending = pending.filter((_, index) => failed.has(index));
    } catch {
      // The whole call failed (network, throttling): everything is still pending.
    }
  }
  return pending;
}
