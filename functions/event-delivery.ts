/**
 * Lambda entry: RFC 8935 push delivery (functions/events/push-delivery.ts). Run by the table's stream
 * on outbox writes (a pass for each stream the records name: low latency) and by a one-minute
 * schedule (a pass for every push stream: retries that came due). The stream only triggers: delivery
 * state lives in the outbox, so the batch never fails.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { logger } from './commons/logger';
import { itemChangeOf } from './events/stream';
import { allPushStreams, deliverAll, pushStreamsNamed, type StreamRef } from './events/delivery-sweep';
import { defaultDb } from './store/db';
import { describeStreamItem } from './store/stream-items';

/** Stop starting POSTs this long before the function's timeout. */
const MARGIN_MS = 15_000;

const isStreamEvent = (event: DynamoDBStreamEvent | ScheduledEvent): event is DynamoDBStreamEvent => 'Records' in event;

export async function handler(event: DynamoDBStreamEvent | ScheduledEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const db = defaultDb();
  const deadline = Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS;
  let streams;
  if (isStreamEvent(event)) {
    const refs: StreamRef[] = [];
    for (const record of event.Records) {
      const item = describeStreamItem(itemChangeOf(record)?.newImage);
      if (item.kind === 'eventSet') refs.push({ tenantId: item.tenantId, streamId: item.streamId });
    }
    streams = await pushStreamsNamed(db, refs);
  } else {
    streams = await allPushStreams(db);
  }
  const results = await deliverAll(db, streams, { deadline, log: (line) => logger.warn(line) });
  const total = results.reduce(
    (sum, r) => ({ delivered: sum.delivered + r.delivered, retried: sum.retried + r.retried, dead: sum.dead + r.dead }),
    {
      delivered: 0,
      retried: 0,
      dead: 0,
    },
  );
  logger.info('event delivery', { streams: streams.length, ...total });
  return { batchItemFailures: [] };
}
