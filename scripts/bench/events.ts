/**
 * What one SET costs, counted on the local stack (docs/events.md "Cost"): users are created over HTTP
 * with one push stream (a receiver on loopback), then again with one poll stream (a poller that
 * drains with ack), and for each SET delivered the section counts
 *  - DynamoDB calls, items and consumed capacity in the event streams' partitions (`EVENTS#…`,
 *    `EVENT_STREAMS`), on the wire (table-meter.ts): the outbox write, the delivery pass, the poll;
 *  - signatures (a KMS `Sign` call each in AWS: signing/kms-signer.ts sends one SignCommand per signature);
 *  - invocations of the outbox and delivery functions and poll requests (API Gateway requests).
 * The stream consumers run as Lambda runs them in AWS: the outbox writer on the table's stream, the
 * delivery function (functions/event-delivery.ts) on the outbox INSERTs; the local server's own
 * delivery loop (which polls every 200 ms, unlike AWS) is off. Each delivery pass opens the stream's
 * sealed Authorization header once (a KMS Decrypt in AWS).
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,events,admin,activity,group-replace,purge,stats --bulk 0 --event-cost 200 --out /tmp/bench.json`.
 */
import { decodeJwt } from 'jose';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createStream, deleteStream } from '../../functions/events/stream-service';
import { PUSH_METHOD } from '../../functions/events/stream-config';
import { outboxWriter } from '../../functions/events/outbox-writer';
import { eventSigner } from '../../functions/events/set-signer';
import { handler as deliveryHandler } from '../../functions/event-delivery';
import { EVENT_STREAMS_PARTITION } from '../../functions/store/keys';
import { clientConfig } from '../../functions/store/dynamodb-client';
import { generateToken } from '../../functions/credentials/secret-token';
import type { AccessTokenSigner } from '../../functions/signing/signer';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { startLocalStack } from '../../local/server';
import { startStreamPoller, type StreamFunction } from '../../local/stream-poller';
import { startSetReceiver } from '../../test/support/set-receiver';
import { createPollStream, createUsers, pollSets } from './event-traffic';
import { round, table } from './stats';
import { startTableMeter, type FamilyFigures, type TableMeter } from './table-meter';

const TENANT = 'costs';
const EVENTS_FAMILY = 'events';

export type EventCostRow = {
  readonly delivery: string;
  readonly sets: number;
  readonly 'DynamoDB calls/SET': number;
  readonly 'write units/SET': number;
  readonly 'read units/SET': number;
  readonly 'signatures/SET': number;
  readonly 'outbox invocations/SET': number;
  readonly 'delivery passes/SET': number;
  readonly 'poll requests/SET': number;
};

export interface EventCostFigures {
  readonly rows: EventCostRow[];
  /** The raw counts per phase (calls by operation, items, capacity). */
  readonly phases: Record<string, FamilyFigures>;
}

const family = (pk: string) => (pk.startsWith('EVENTS#') || pk === EVENT_STREAMS_PARTITION ? EVENTS_FAMILY : undefined);

interface Counters {
  signatures: number;
  outbox: number;
  delivery: number;
  polls: number;
}

function counting(signer: () => AccessTokenSigner, counters: Counters): () => AccessTokenSigner {
  return () => {
    const inner = signer();
    return {
      ...inner,
      keyId: inner.keyId,
      sign: (data) => ((counters.signatures += 1), inner.sign(data)),
      publicKey: () => inner.publicKey(),
    };
  };
}

const invocations =
  (
    fn: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>,
    count: () => void,
    relevant: (event: DynamoDBStreamEvent) => boolean,
  ): StreamFunction =>
  (event, context) => {
    if (!relevant(event)) return Promise.resolve({ batchItemFailures: [] });
    count();
    return fn(event, context);
  };

/** As the stack's Lambda filters select them (lib/event-transmitter.ts): users and groups for the outbox, outbox INSERTs for delivery. */
const entityOf = (record: DynamoDBStreamEvent['Records'][number]) => (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.entity?.S;
const resourceRecords = (event: DynamoDBStreamEvent) => event.Records.some((r) => ['User', 'Group'].includes(entityOf(r) ?? ''));
const outboxInserts = (event: DynamoDBStreamEvent) => event.Records.some((r) => r.eventName === 'INSERT' && entityOf(r) === 'EventSet');

async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`event cost bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const difference = (after: FamilyFigures | undefined, before: FamilyFigures | undefined): FamilyFigures => {
  const calls: Record<string, number> = {};
  for (const [operation, n] of Object.entries(after?.calls ?? {})) calls[operation] = n - (before?.calls[operation] ?? 0);
  return {
    calls,
    items: (after?.items ?? 0) - (before?.items ?? 0),
    readCapacity: (after?.readCapacity ?? 0) - (before?.readCapacity ?? 0),
    writeCapacity: (after?.writeCapacity ?? 0) - (before?.writeCapacity ?? 0),
  };
};

function row(delivery: string, sets: number, figures: FamilyFigures, counters: Counters): EventCostRow {
  const per = (n: number) => round(n / sets, 3);
  return {
    delivery,
    sets,
    'DynamoDB calls/SET': per(Object.values(figures.calls).reduce((a, b) => a + b, 0)),
    'write units/SET': per(figures.writeCapacity),
    'read units/SET': per(figures.readCapacity),
    'signatures/SET': per(counters.signatures),
    'outbox invocations/SET': per(counters.outbox),
    'delivery passes/SET': per(counters.delivery),
    'poll requests/SET': per(counters.polls),
  };
}

/** One phase: `users` creates with one stream on, every SET delivered; the counts in between. */
async function phase(
  meter: TableMeter,
  counters: Counters,
  run: () => Promise<void>,
): Promise<{ figures: FamilyFigures; counters: Counters }> {
  const before = meter.snapshot()[EVENTS_FAMILY];
  Object.assign(counters, { signatures: 0, outbox: 0, delivery: 0, polls: 0 });
  await run();
  return { figures: difference(meter.snapshot()[EVENTS_FAMILY], before), counters: { ...counters } };
}

export async function eventCostBenchmark(users: number): Promise<EventCostFigures | undefined> {
  if (users <= 0) return undefined;
  const dynamo = await startDynamoDbLocal({});
  const meter = await startTableMeter(dynamo.endpoint, family);
  const token = generateToken();
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-event-cost',
    dynamoEndpoint: meter.endpoint,
    tenants: [{ tenantId: TENANT, token }],
    eventStreams: false,
    log: () => undefined,
  });
  const counters: Counters = { signatures: 0, outbox: 0, delivery: 0, polls: 0 };
  const consumers = await startStreamPoller({
    config: clientConfig(process.env),
    tableName: 'bench-event-cost',
    functions: {
      outbox: invocations(
        outboxWriter({ db: () => stack.db, signer: counting(eventSigner, counters) }),
        () => (counters.outbox += 1),
        resourceRecords,
      ),
      delivery: invocations(deliveryHandler, () => (counters.delivery += 1), outboxInserts),
    },
    log: () => undefined,
  });
  const receiver = await startSetReceiver();
  try {
    await createStream(stack.db, TENANT, {
      stream_id: 'push',
      delivery: { method: PUSH_METHOD, endpoint_url: receiver.url, authorization_header: 'Bearer receiver-secret' },
    });
    const push = await phase(meter, counters, async () => {
      await createUsers(stack, { tenantId: TENANT, token }, 'push', users);
      await until(() => new Set(receiver.accepted.map((set) => decodeJwt(set).jti)).size >= users, 'the pushes');
      // The passes that POSTed the last SETs delete them after the 202.
      await consumers.drain();
    });
    await deleteStream(stack.db, TENANT, 'push');
    const pollStream = await createPollStream(stack.db, TENANT, 'poll');
    const poll = await phase(meter, counters, async () => {
      await createUsers(stack, { tenantId: TENANT, token }, 'poll', users);
      await consumers.drain();
      let received = 0;
      let ack: string[] = [];
      // A receiver catching up: 100 SETs a request, acknowledging the previous ones with the next request.
      await until(async () => {
        counters.polls += 1;
        const sets = await pollSets(pollStream, ack, true);
        ack = Object.keys(sets);
        received += ack.length;
        return received >= users && ack.length === 0;
      }, 'the polls');
    });
    const rows = [row('push (RFC 8935)', users, push.figures, push.counters), row('poll (RFC 8936)', users, poll.figures, poll.counters)];
    console.log(
      `\nEvent streams, cost counted per SET (${users} users created per stream kind; DynamoDB in the EVENTS#/EVENT_STREAMS partitions)\n${table(rows)}`,
    );
    for (const [name, figures] of [
      ['push', push.figures],
      ['poll', poll.figures],
    ] as const) {
      console.log(
        `  ${name}: ${Object.entries(figures.calls)
          .map(([operation, n]) => `${operation} ${n}`)
          .join(', ')}; items ${figures.items}`,
      );
    }
    return { rows, phases: { push: push.figures, poll: poll.figures } };
  } finally {
    await receiver.stop();
    await consumers.stop();
    await stack.stop();
    await meter.stop();
    await dynamo.stop();
  }
}
