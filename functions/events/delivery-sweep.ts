/**
 * Drives push delivery over many streams at once: each stream gets its own pass (push-delivery.ts),
 * started together and awaited together, so a slow or dead receiver holds only its own stream's pass.
 * Used by the delivery function in AWS (for the streams its outbox records name, or every push stream
 * on the schedule) and by the local server's delivery loop.
 */
import type { Db } from '../store/db';
import { getEventStream, listAllEventStreams, type StoredEventStream } from '../store/event-stream-items';
import { deliverStream, type PassResult, type PushOptions } from './push-delivery';

export interface StreamRef {
  readonly tenantId: string;
  readonly streamId: string;
}

export async function pushStreamsNamed(db: Db, refs: readonly StreamRef[]): Promise<StoredEventStream[]> {
  const unique = [...new Map(refs.map((r) => [`${r.tenantId}/${r.streamId}`, r])).values()];
  const streams = await Promise.all(unique.map((r) => getEventStream(db, r.tenantId, r.streamId)));
  return streams.filter((s): s is StoredEventStream => s?.method === 'push');
}

export const allPushStreams = async (db: Db): Promise<StoredEventStream[]> =>
  (await listAllEventStreams(db)).filter((s) => s.method === 'push');

export async function deliverAll(db: Db, streams: readonly StoredEventStream[], options: PushOptions): Promise<PassResult[]> {
  return Promise.all(
    streams.map((stream) =>
      deliverStream(db, stream, options).catch((error: unknown) => {
        options.log?.(`event stream ${stream.tenantId}/${stream.streamId}: pass failed (${error instanceof Error ? error.name : 'error'})`);
        return { delivered: 0, retried: 0, dead: 0, ran: false };
      }),
    ),
  );
}
