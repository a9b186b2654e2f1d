/**
 * Event streams across a crash (issue #24, docs/events.md "Crash safety"): the local server in a child
 * process delivers to a push receiver (real HTTP on loopback) and a poller; it is killed with SIGKILL
 * while pushes are in flight and writes were answered a moment before, then started again on the same
 * data folder. Every SET reaches both at least once, each verifying against the JWKS of the restarted
 * server; nothing acknowledged before the kill comes again; every duplicate carries the same jti and is
 * either a SET still pending at the kill (pushed but not answered, polled but not acknowledged) or
 * comes from a stream record after the stream poller's last checkpoint (local/stream-checkpoints.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { generateAdminKey } from '../../local/admin-key';
import { freePort } from '../../local/free-port';
import { CHECKPOINT_FILE } from '../../local/stream-checkpoints';
import { DEFAULT_TABLE_NAME } from '../../local/data-folder';
import { generateToken } from '../../functions/credentials/secret-token';
import { exited, startServerProcess, type ServerProcess } from '../support/server-process';
import { startSetReceiver, until, type Answer, type SetReceiver } from '../support/set-receiver';
import { GROUP, PATCH_OP, USER } from '../support/urns';

type Json = Record<string, unknown>;
interface Claims {
  readonly jti: string;
  readonly txn: string;
  readonly sub_id: { readonly id: string };
  readonly events: Record<string, { version?: string }>;
}

const token = generateToken();
const adminKey = generateAdminKey();
let dataDir: string;
let port: number;
let server: ServerProcess | undefined;
let receiver: SetReceiver;

const base = () => `http://127.0.0.1:${port}`;
const start = async () =>
  (server = await startServerProcess({
    port,
    dataDir,
    tenants: `acme=${token}`,
    env: { SCIM_LOCAL_ADMIN_KEY: adminKey, SCIM_LOCAL_DELIVERY_PASS_MS: '1000' },
  }));

async function scim(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${base()}/tenants/acme/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(response.status).toBeLessThan(300);
  return response.status === 204 ? {} : ((await response.json()) as Json);
}

async function admin(path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${base()}/admin/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

/** What the test wrote: `<id>@<version>` per write, `<id>@delete` per delete. */
const expected = new Set<string>();
const keyOf = (claims: Claims) => {
  const [uri, payload] = Object.entries(claims.events)[0] ?? [];
  return uri?.endsWith(':delete') ? `${claims.sub_id.id}@delete` : `${claims.sub_id.id}@${payload?.version ?? '?'}`;
};
const wrote = (resource: Json) => expected.add(`${resource.id as string}@${(resource.meta as Json).version as string}`);
const createUser = async (userName: string) => {
  const user = await scim('POST', '/Users', { schemas: [USER], userName });
  wrote(user);
  return user.id as string;
};
const patchUser = async (id: string, title: string) =>
  wrote(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] }));

/** The poll stream: SETs returned by any poll, and those acknowledged. */
let pollUrl: string;
let pollCredential: string;
const polled: string[] = [];
async function poll(ack: string[], maxEvents = 4): Promise<Record<string, string>> {
  const response = await fetch(pollUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${pollCredential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxEvents, returnImmediately: true, ack }),
  });
  expect(response.status).toBe(200);
  const { sets } = (await response.json()) as { sets: Record<string, string> };
  polled.push(...Object.values(sets));
  return sets;
}
/** Polls with ack until nothing is left. */
async function drainPoll(): Promise<void> {
  let ack: string[] = [];
  for (;;) {
    const sets = await poll(ack);
    ack = Object.keys(sets);
    if (ack.length === 0) return;
  }
}

const claimsOf = (sets: readonly string[]) => sets.map((set) => decodeJwt(set) as unknown as Claims);
const count = <T>(items: readonly T[]) => items.reduce((map, item) => map.set(item, (map.get(item) ?? 0) + 1), new Map<T, number>());

/** Stream record id → shard and sequence number, read from DynamoDB Local's stream. */
async function streamPositions(endpoint: string): Promise<Map<string, { shardId: string; sequence: bigint }>> {
  const client = new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const positions = new Map<string, { shardId: string; sequence: bigint }>();
  const { Streams } = await client.send(new ListStreamsCommand({ TableName: DEFAULT_TABLE_NAME }));
  const StreamArn = Streams?.[0]?.StreamArn;
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn }));
  for (const { ShardId } of StreamDescription?.Shards ?? []) {
    let { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (ShardIterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator }));
      for (const record of page.Records ?? []) {
        positions.set(record.eventID as string, { shardId: ShardId as string, sequence: BigInt(record.dynamodb?.SequenceNumber ?? '0') });
      }
      ShardIterator = page.Records?.length ? page.NextShardIterator : undefined;
    }
  }
  client.destroy();
  return positions;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-events-restart-'));
  port = await freePort();
  receiver = await startSetReceiver();
});
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
  await receiver.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('event streams across kill -9 of the local server', () => {
  it('deliver every SET at least once; duplicates are pending at the kill or after the last checkpoint', async () => {
    await start();
    await admin('/tenants/acme/event-streams', {
      stream_id: 'push',
      delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url },
    });
    const pollStream = await admin('/tenants/acme/event-streams', { stream_id: 'poll', delivery: { method: 'urn:ietf:rfc:8936' } });
    pollUrl = (pollStream.delivery as Json).endpoint_url as string;
    pollCredential = ((pollStream.delivery as Json).authorization_header as string).replace(/^Bearer /, '');

    // Before: delivered and acknowledged, then never again.
    const users = [];
    for (let i = 0; i < 4; i += 1) users.push(await createUser(`before-${i}@example.com`));
    await patchUser(users[0] as string, 'First');
    const group = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Crew',
      members: [{ value: users[1] }, { value: users[2] }],
    });
    wrote(group);
    await until(() => new Set(receiver.accepted).size >= expected.size, 'the first SETs pushed', 60_000);
    await drainPoll();
    const before = new Set(expected);
    expect(new Set(claimsOf(receiver.accepted).map(keyOf))).toEqual(before);

    // Mid-delivery: the receiver holds every push (in flight), a poll takes SETs without acknowledging them.
    let release: (answer: Answer) => void = () => undefined;
    const held = new Promise<Answer>((resolve) => (release = resolve));
    const heldAt = receiver.received.length;
    receiver.answer = () => held;
    for (let i = 0; i < 3; i += 1) users.push(await createUser(`during-${i}@example.com`));
    await patchUser(users[1] as string, 'Second');
    await until(() => receiver.received.length > heldAt, 'a push in flight', 60_000);
    const pendingPolled = Object.keys(await poll([], 2));
    expect(pendingPolled.length).toBeGreaterThan(0);
    // Writes answered a moment before the kill: their records may not have reached the outbox yet.
    users.push(await createUser('last-0@example.com'));
    await patchUser(users[2] as string, 'Third');
    server?.child.kill('SIGKILL');
    await exited(server!.child);
    const inFlight = new Set(claimsOf(receiver.received.slice(heldAt).map((push) => push.body)).map((claims) => claims.jti));
    release({ status: 503 });
    await copyFile(join(dataDir, CHECKPOINT_FILE), join(dataDir, 'checkpoint-at-kill.json'));

    // After the restart: more writes, then everything arrives.
    receiver.answer = () => ({ status: 202 });
    await start();
    await patchUser(users[3] as string, 'Fourth');
    await scim('PATCH', `/Groups/${group.id as string}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${users[1] as string}"]` }],
    });
    wrote(await scim('GET', `/Groups/${group.id as string}`)); // the PATCH answered 204
    await scim('DELETE', `/Users/${users[0] as string}`);
    expected.add(`${users[0] as string}@delete`);
    await until(() => new Set(claimsOf(receiver.accepted).map(keyOf)).size >= expected.size, 'every SET pushed', 90_000);
    await drainPoll();

    // No loss, nothing else: both got exactly the SETs of the writes, each verifying against the restarted server's JWKS.
    const jwks = createRemoteJWKSet(new URL(`${base()}/ssf/jwks.json`));
    for (const set of [...receiver.accepted, ...polled]) await jwtVerify(set, jwks, { typ: 'secevent+jwt', algorithms: ['ES256'] });
    const pushed = claimsOf(receiver.accepted);
    const pulled = claimsOf(polled);
    expect(new Set(pushed.map(keyOf))).toEqual(expected);
    expect(new Set(pulled.map(keyOf))).toEqual(expected);
    // One jti per write and stream: a duplicate is the same SET again.
    for (const sets of [pushed, pulled]) {
      const keys = new Map<string, string>();
      for (const claims of sets) {
        expect(keys.get(claims.jti) ?? keyOf(claims)).toBe(keyOf(claims));
        keys.set(claims.jti, keyOf(claims));
      }
      expect(new Set(sets.map((claims) => claims.jti)).size).toBe(new Set(sets.map(keyOf)).size);
    }

    // Duplicates: only SETs pending at the kill, or from stream records after the checkpoint kept at the kill.
    const checkpoint = JSON.parse(await readFile(join(dataDir, 'checkpoint-at-kill.json'), 'utf8')) as {
      shards: Record<string, { sequenceNumber?: string }>;
    };
    const positions = await streamPositions(server!.dynamoEndpoint);
    const afterCheckpoint = (claims: Claims) => {
      const position = positions.get(claims.txn);
      expect(position).toBeDefined();
      const at = checkpoint.shards[position!.shardId]?.sequenceNumber;
      return at === undefined || position!.sequence > BigInt(at);
    };
    const duplicates = (sets: Claims[]) => sets.filter((claims) => (count(sets.map((c) => c.jti)).get(claims.jti) ?? 0) > 1);
    const pushedTwice = duplicates(claimsOf(receiver.received.map((push) => push.body)));
    const polledTwice = duplicates(pulled);
    for (const claims of pushedTwice) expect(inFlight.has(claims.jti) || afterCheckpoint(claims)).toBe(true);
    for (const claims of polledTwice) expect(pendingPolled.includes(claims.jti) || afterCheckpoint(claims)).toBe(true);
    // What was delivered and acknowledged before the kill never comes again (it did, every one, before the checkpoint).
    for (const claims of [...pushedTwice, ...polledTwice]) expect(before.has(keyOf(claims))).toBe(false);
    expect(pushed.filter((claims) => before.has(keyOf(claims)))).toHaveLength(before.size);
    expect(pulled.filter((claims) => before.has(keyOf(claims)))).toHaveLength(before.size);
    // The pushes in flight at the kill were sent again after the restart, with the same jti.
    expect(pushedTwice.length).toBeGreaterThanOrEqual(inFlight.size);
    for (const jti of inFlight) expect(pushed.some((claims) => claims.jti === jti)).toBe(true);
    console.log(
      `pushed ${receiver.received.length} (${pushedTwice.length} duplicates of ${inFlight.size} in flight), ` +
        `polled ${polled.length} (${polledTwice.length} duplicates of ${pendingPolled.length} unacknowledged), ${expected.size} writes`,
    );
  }, 300_000);
});
