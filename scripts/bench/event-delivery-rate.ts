/**
 * Event streams in the benchmark (docs/events.md): users created one after another over HTTP on the
 * local stack, with one push stream (a receiver on loopback) and one poll stream (a poller that acks
 * what it got) on the tenant. Reported: SETs per second through each (from the first write to the
 * last SET received) and the end-to-end delay, write acknowledged → SET received, p50/p99.
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,event-cost,admin,activity,group-replace,purge,stats --bulk 0 --events 200 --out /tmp/bench.json`.
 */
import { performance } from 'node:perf_hooks';
import { decodeJwt } from 'jose';
import { createStream } from '../../functions/events/stream-service';
import { PUSH_METHOD } from '../../functions/events/stream-config';
import { generateToken } from '../../functions/credentials/secret-token';
import { startLocalStack } from '../../local/server';
import { startSetReceiver } from '../../test/support/set-receiver';
import { createPollStream, createUsers, pollSets } from './event-traffic';
import { percentile, round, table } from './stats';

const TENANT = 'events';

export type EventDeliveryRow = {
  readonly delivery: string;
  readonly sets: number;
  readonly 'SETs/s': number;
  readonly 'delay p50 ms': number;
  readonly 'delay p99 ms': number;
};

const row = (delivery: string, delays: number[], seconds: number): EventDeliveryRow => {
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    delivery,
    sets: delays.length,
    'SETs/s': round(delays.length / seconds, 1),
    'delay p50 ms': percentile(sorted, 0.5, 0),
    'delay p99 ms': percentile(sorted, 0.99, 0),
  };
};

export async function eventDeliveryBenchmark(users: number): Promise<EventDeliveryRow[]> {
  if (users <= 0) return [];
  const token = generateToken();
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-events',
    tenants: [{ tenantId: TENANT, token }],
    log: () => undefined,
  });
  const receiver = await startSetReceiver();
  let polling = true;
  try {
    await createStream(stack.db, TENANT, { stream_id: 'push', delivery: { method: PUSH_METHOD, endpoint_url: receiver.url } });
    const poll = await createPollStream(stack.db, TENANT, 'poll');
    const acked = new Map<string, number>();
    const polled = new Map<string, number>();
    const poller = (async () => {
      let ack: string[] = [];
      while (polling || ack.length > 0) {
        const sets = await pollSets(poll, ack, false);
        const now = performance.now();
        ack = Object.keys(sets);
        for (const set of Object.values(sets)) polled.set(String((decodeJwt(set).sub_id as { id: string }).id), now);
        if (!polling && ack.length === 0) break;
      }
    })();
    const started = performance.now();
    await createUsers(stack, { tenantId: TENANT, token }, 'bench', users, (id) => acked.set(id, performance.now()));
    const deadline = Date.now() + 120_000;
    while ((receiver.accepted.length < users || polled.size < users) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    polling = false;
    await poller;
    const pushed = new Map<string, number>();
    receiver.received.forEach((push) =>
      pushed.set(String((decodeJwt(push.body).sub_id as { id: string }).id), push.at - performance.timeOrigin),
    );
    const delays = (arrivals: Map<string, number>) =>
      [...acked].flatMap(([id, at]) => (arrivals.has(id) ? [(arrivals.get(id) as number) - at] : []));
    const span = (arrivals: Map<string, number>) => (Math.max(...arrivals.values()) - started) / 1000;
    const rows = [row('push (RFC 8935)', delays(pushed), span(pushed)), row('poll (RFC 8936)', delays(polled), span(polled))];
    console.log(`\nEvent streams: ${users} users created one by one; SETs/s from the first write to the last SET received\n${table(rows)}`);
    return rows;
  } finally {
    polling = false;
    await receiver.stop();
    await stack.stop();
  }
}
