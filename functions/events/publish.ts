/**
 * Stream records → RFC 9967 SETs (change-event.ts) → a sink (EventBridge in AWS, a file or memory
 * locally). Delivery is at least once: a record whose events fail after retries is reported as a
 * batch item failure, Lambda retries from it, and after the retry limit it lands in the dead-letter
 * queue the stack configures. Consumers de-duplicate on `jti` (stable across redeliveries).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { environment } from '../commons/environment';
import { securityEventFor, type EventOptions, type ScimSecurityEvent } from './change-event';
import { itemChangeOf } from './stream';
import { backoff } from '../commons/retry';

export type PublishedEvent = ScimSecurityEvent;

/** Sends events; resolves with the indexes of those that were not accepted. */
export type EventSink = (events: readonly PublishedEvent[]) => Promise<number[]>;

const ATTEMPTS = 3;

/** The deployment's event options (SCIM_EVENT_FORM, SCIM_EVENT_ISSUER), read when asked. */
export const deploymentEventOptions = (): EventOptions => ({ form: environment.eventForm(), issuer: environment.eventIssuer() });

export function eventsOfStream(event: DynamoDBStreamEvent, options: EventOptions): { sequenceNumber: string; events: PublishedEvent[] }[] {
  return event.Records.map((record) => {
    const change = itemChangeOf(record);
    const set = change ? securityEventFor(change, options) : undefined;
    return { sequenceNumber: record.dynamodb?.SequenceNumber ?? '', events: set ? [set] : [] };
  });
}

export function streamPublisher(sink: EventSink, options: () => EventOptions = deploymentEventOptions) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const batches = eventsOfStream(event, options());
    const all = batches.flatMap((batch) => batch.events);
    const failed = await sendWithRetries(sink, all);
    const failedIds = new Set(failed.map((e) => e.jti));
    // Report the first failing record: Lambda retries the batch from there (ordering is kept).
    const first = batches.find((batch) => batch.events.some((e) => failedIds.has(e.jti)));
    return { batchItemFailures: first ? [{ itemIdentifier: first.sequenceNumber }] : [] };
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
