/**
 * Stream records → change events → a sink (EventBridge in AWS, a file or memory locally).
 * Delivery is at least once: a record whose events fail after retries is reported as a batch
 * item failure, Lambda retries from it, and after the retry limit it lands in the dead-letter
 * queue the stack configures. Consumers de-duplicate on `eventId`.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { changeEventsFor, type ChangeEvent } from './change-event';
import { itemChangeOf } from './stream';

export interface PublishedEvent extends ChangeEvent {
  /** Stable across redeliveries: the stream record's id and the event's position in it. */
  readonly eventId: string;
}

/** Sends events; resolves with the indexes of those that were not accepted. */
export type EventSink = (events: readonly PublishedEvent[]) => Promise<number[]>;

const ATTEMPTS = 3;

export function eventsOfStream(event: DynamoDBStreamEvent): { sequenceNumber: string; events: PublishedEvent[] }[] {
  return event.Records.map((record) => {
    const change = itemChangeOf(record);
    const events = change ? changeEventsFor(change) : [];
    return {
      sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
      events: events.map((e, index) => ({ ...e, eventId: `${record.eventID ?? 'local'}:${index}` })),
    };
  });
}

export function streamPublisher(sink: EventSink) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const batches = eventsOfStream(event);
    const all = batches.flatMap((batch) => batch.events);
    const failed = await sendWithRetries(sink, all);
    const failedIds = new Set(failed.map((e) => e.eventId));
    // Report the first failing record: Lambda retries the batch from there (ordering is kept).
    const first = batches.find((batch) => batch.events.some((e) => failedIds.has(e.eventId)));
    return { batchItemFailures: first ? [{ itemIdentifier: first.sequenceNumber }] : [] };
  };
}

async function sendWithRetries(sink: EventSink, events: readonly PublishedEvent[]): Promise<PublishedEvent[]> {
  let pending = [...events];
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    try {
      const failed = new Set(await sink(pending));
      pending = pending.filter((_, index) => failed.has(index));
    } catch {
      // The whole call failed (network, throttling): everything is still pending.
    }
  }
  return pending;
}
