/**
 * The member delta of one large group replace, end to end on the local stack (docs/events.md, docs/activity.md):
 * a group of N members (users seeded through the store, the group built over HTTP: a POST, then PATCHes of
 * 10,000 members) is replaced by `PUT /Groups/{id}` with no members, so its delta names all N leavers. The
 * section counts what reaches each consumer of that one write and times them as Lambda runs them (the stream
 * in batches of 100 records):
 *  - SETs of a poll stream (the event outbox signs one per chunk) and entries on the bus (the publisher
 *    puts one per chunk), each with the ids it carries;
 *  - the activity recorder: the records it writes for the write and the time of the invocation holding the
 *    commit, set against the recorder's Lambda timeout (5 minutes) and DynamoDB's per-partition write rate
 *    (a tenant's records share one partition: 1,000 write units a second).
 * The consumers start after the group is built (a checkpoint file skips what came before).
 * `--group-replace N` sets N (default 2,000; docs/events.md gives the command at 100,000; 0 skips), `--skip group-replace`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { activityRecorder } from '../../functions/activity/recorder';
import { generateToken } from '../../functions/credentials/secret-token';
import { outboxWriter } from '../../functions/events/outbox-writer';
import { deploymentEventOptions, streamPublisher, type PublishedEvent } from '../../functions/events/publish';
import { eventSigner } from '../../functions/events/set-signer';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { clientConfig } from '../../functions/store/dynamodb-client';
import { activityPartition } from '../../functions/store/keys';
import { countPrefix } from '../../functions/store/partition';
import { seedResources } from '../../functions/store/resource-seeding';
import { startLocalStack, type LocalStack } from '../../local/server';
import { startStreamPoller, type StreamFunction } from '../../local/stream-poller';
import { GROUP, PATCH_OP, USER } from '../../test/support/urns';
import { createPollStream, pollSets } from './event-traffic';
import { round, table } from './stats';

const TENANT = 'deltas';
const PATCH_URI = 'urn:ietf:params:scim:event:prov:patch:notice';
/** Members per build request: a 10,000-member body is ~500 KB, under the 1 MB request limit. */
const BUILD_STEP = 10_000;
/** The recorder's Lambda timeout (lib/scim-endpoint.ts STREAM_FUNCTION_TIMEOUT). */
const RECORDER_TIMEOUT_S = 300;
/** DynamoDB's write rate per partition: a tenant's activity records all go to ACTIVITY#<t>. */
const PARTITION_WCU_PER_S = 1_000;

export interface MemberDeltaFigures {
  readonly members: number;
  readonly putMs: number;
  readonly putAttempts: number;
  readonly sets: number;
  readonly setIds: number;
  readonly busEntries: number;
  readonly busIds: number;
  readonly publisherMs: number;
  readonly outboxMs: number;
  readonly recorderRecords: number;
  readonly recorderCommitMs: number;
  readonly recorderBatchRecords: number;
}

interface Timing {
  total: number;
  max: number;
  maxBatch: number;
}

const timed =
  (fn: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>, timing: Timing): StreamFunction =>
  async (event, context) => {
    const started = performance.now();
    try {
      return await fn(event, context);
    } finally {
      const ms = performance.now() - started;
      timing.total += ms;
      if (ms > timing.max) Object.assign(timing, { max: ms, maxBatch: event.Records.length });
    }
  };

const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function send(stack: LocalStack, token: string, method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${stack.tenantUrl(TENANT)}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body: JSON.stringify(body),
  });
}

/** A request, again after Retry-After while it answers 503 (a leased change finished by the retry, docs/groups.md). */
async function withRetries(attempt: () => Promise<Response>, expected: number): Promise<{ response: Response; attempts: number }> {
  for (let attempts = 1; ; attempts += 1) {
    const response = await attempt();
    if (response.status === expected) return { response, attempts };
    if (response.status !== 503 || attempts >= 20)
      throw new Error(`member-delta bench: answered ${response.status}: ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
  }
}

async function buildGroup(stack: LocalStack, token: string, members: number): Promise<string> {
  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({ value: userId(from + k) }));
  const first = Math.min(members, BUILD_STEP);
  const created = await withRetries(
    () => send(stack, token, 'POST', '/Groups', { schemas: [GROUP], displayName: `Replaced ${members}`, members: ids(0, first) }),
    201,
  );
  const groupId = ((await created.response.json()) as { id: string }).id;
  for (let from = first; from < members; from += BUILD_STEP) {
    const to = Math.min(members, from + BUILD_STEP);
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: ids(from, to) }] };
    await withRetries(() => send(stack, token, 'PATCH', `/Groups/${groupId}`, body), 204);
    console.log(`member deltas: group has ${to} members`);
  }
  return groupId;
}

/** Every SET of the poll stream, drained with ack: the group's patch SETs and the member ids they carry. */
async function drainSets(stream: Awaited<ReturnType<typeof createPollStream>>, groupId: string): Promise<{ sets: number; ids: number }> {
  let sets = 0;
  let ids = 0;
  let ack: string[] = [];
  for (;;) {
    const page = await pollSets(stream, ack, true);
    ack = Object.keys(page);
    if (ack.length === 0) return { sets, ids };
    for (const jws of Object.values(page)) {
      const claims = decodeJwt(jws) as {
        sub_id: { id: string };
        events: Record<string, { members?: { added: string[]; removed: string[] } }>;
      };
      const members = claims.events[PATCH_URI]?.members;
      if (claims.sub_id.id !== groupId || !members) continue;
      sets += 1;
      ids += members.added.length + members.removed.length;
    }
  }
}

export async function memberDeltaBenchmark(members: number): Promise<MemberDeltaFigures | undefined> {
  if (members <= 0) return undefined;
  const token = generateToken();
  const dir = mkdtempSync(join(tmpdir(), 'bench-member-deltas-'));
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-member-deltas',
    tenants: [{ tenantId: TENANT, token }],
    streams: false,
    log: () => undefined,
  });
  const checkpointFile = join(dir, 'checkpoints.json');
  let consumers: Awaited<ReturnType<typeof startStreamPoller>> | undefined;
  try {
    console.log(`member deltas: seeding ${members} users through the store`);
    const users = Array.from({ length: members }, (_, i) => ({ schemas: [USER], id: userId(i), userName: `member${i}@deltas.example` }));
    await seedResources(stack.db, TENANT, 'User', users, standardRegistry, 8);
    const groupId = await buildGroup(stack, token, members);
    // What came before the replace is read once by no consumer, so the measured ones start at the replace.
    const skipper = await startStreamPoller({
      config: clientConfig(process.env),
      tableName: 'bench-member-deltas',
      functions: {},
      checkpointFile,
      log: () => undefined,
    });
    await skipper.drain();
    await skipper.stop();
    const pollStream = await createPollStream(stack.db, TENANT, 'poll');
    const bus: PublishedEvent[] = [];
    const timings = {
      publisher: { total: 0, max: 0, maxBatch: 0 },
      outbox: { total: 0, max: 0, maxBatch: 0 },
      recorder: { total: 0, max: 0, maxBatch: 0 },
    };
    consumers = await startStreamPoller({
      config: clientConfig(process.env),
      tableName: 'bench-member-deltas',
      checkpointFile,
      functions: {
        publisher: timed(
          streamPublisher(
            async (events) => (bus.push(...events), []),
            deploymentEventOptions,
            () => stack.db,
          ),
          timings.publisher,
        ),
        outbox: timed(outboxWriter({ db: () => stack.db, signer: eventSigner }), timings.outbox),
        recorder: timed(
          activityRecorder(() => stack.db),
          timings.recorder,
        ),
      },
      log: () => undefined,
    });
    const recordsBefore = await countPrefix(stack.db, { partition: activityPartition(TENANT), prefix: 'AT#' });
    console.log(`member deltas: PUT /Groups/{id} with no members (all ${members} leave)`);
    const started = performance.now();
    const { attempts } = await withRetries(
      () => send(stack, token, 'PUT', `/Groups/${groupId}`, { schemas: [GROUP], displayName: `Replaced ${members}`, members: [] }),
      200,
    );
    const putMs = performance.now() - started;
    await consumers.drain();
    const polled = await drainSets(pollStream, groupId);
    const entries = bus.filter((e) => e.sub_id.id === groupId && e.events[PATCH_URI]);
    const recorderRecords = (await countPrefix(stack.db, { partition: activityPartition(TENANT), prefix: 'AT#' })) - recordsBefore;
    const figures: MemberDeltaFigures = {
      members,
      putMs: round(putMs, 0),
      putAttempts: attempts,
      sets: polled.sets,
      setIds: polled.ids,
      busEntries: entries.length,
      busIds: entries.reduce(
        (n, e) => n + (e.events[PATCH_URI]?.members?.removed.length ?? 0) + (e.events[PATCH_URI]?.members?.added.length ?? 0),
        0,
      ),
      publisherMs: round(timings.publisher.total, 0),
      outboxMs: round(timings.outbox.total, 0),
      recorderRecords,
      recorderCommitMs: round(timings.recorder.max, 0),
      recorderBatchRecords: timings.recorder.maxBatch,
    };
    report(figures);
    return figures;
  } finally {
    await consumers?.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(f: MemberDeltaFigures): void {
  const perRecordMs = f.recorderRecords > 0 ? f.recorderCommitMs / f.recorderRecords : 0;
  console.log(
    `\nMember delta of one replace: a ${f.members}-member group PUT with no members (every member leaves)\n${table([
      {
        members: f.members,
        'PUT ms': f.putMs,
        'PUT attempts': f.putAttempts,
        SETs: f.sets,
        'ids in SETs': f.setIds,
        'bus entries': f.busEntries,
        'ids on bus': f.busIds,
        'publisher ms': f.publisherMs,
        'outbox ms': f.outboxMs,
        'recorder records': f.recorderRecords,
        'recorder ms (commit batch)': f.recorderCommitMs,
        'records in that batch': f.recorderBatchRecords,
      },
    ])}`,
  );
  const at100k = round((perRecordMs * 100_000) / 1000, 1);
  const partitionFloor = round(100_000 / PARTITION_WCU_PER_S, 0);
  console.log(
    `recorder: ${round(perRecordMs, 3)} ms per record here, so ~${at100k} s for the 100,000 records of a 100,000-member replace; ` +
      `in AWS at least ${partitionFloor} s (one partition, ${PARTITION_WCU_PER_S} WCU/s); Lambda timeout ${RECORDER_TIMEOUT_S} s`,
  );
}
