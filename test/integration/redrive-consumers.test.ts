/**
 * Every stream consumer's failed batch is replayable (issue #26): the activity recorder, the
 * membership janitor and the event outbox writer fail (their invocation throws, as when their
 * dependency is down) until their batches are kept in the failed-batch store; nothing of their work
 * is there. `redrive` with the CLI's local consumers (admin/redrive-consumers.ts, what `scim-admin
 * events redrive` runs on `npm start`'s table) replays each through its own handler: the user's
 * history appears, the deleted user's membership is cleaned up, the poll stream gets its SETs; a
 * second redrive finds nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { redrive } from '../../admin/redrive';
import { localConsumers } from '../../admin/redrive-consumers';
import { tenantActivity } from '../../functions/activity/activity-service';
import {
  failedBatchKey,
  failedBatchRecord,
  functionNameOf,
  parseFailedBatch,
  type FailedBatchStore,
} from '../../functions/events/failed-batch';
import { poll } from '../../functions/events/poll-service';
import { POLL_METHOD } from '../../functions/events/stream-config';
import { createStream } from '../../functions/events/stream-service';
import { addMembers, isMember } from '../../functions/store/memberships';
import { directoryFailedBatchStore } from '../../local/failed-batch-stores';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, USER } from '../support/urns';

const T = 'acme';
const BROKEN = ['recorder', 'janitor', 'outbox'];

let stack: TestStack;
let dir: string;
let store: FailedBatchStore;
let broken = true;
let streamId = '';
let pollCredential = '';
let ada = '';
let group = '';

const call = async (method: string, path: string, body?: unknown) => (await stack.request(T, method, path, body)).body as Json;

const setsOnStream = async (): Promise<string[]> => {
  const answer = await poll(
    stack.stack.db,
    { tenantId: T, streamId, authorization: `Bearer ${pollCredential}`, body: JSON.stringify({ maxEvents: 100, returnImmediately: true }) },
    { maxWaitMs: 0 },
  );
  // Each SET's claims (the JWS payload), as one string to look for resource ids in.
  return Object.values((answer.body as { sets?: Record<string, string> }).sets ?? {}).map((set) =>
    Buffer.from(set.split('.')[1] ?? '', 'base64url').toString('utf8'),
  );
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redrive-consumers-'));
  store = directoryFailedBatchStore(join(dir, 'failed-batches'));
  stack = await startTestStack({
    tenants: [T],
    failedBatches: store,
    aroundStreamInvoke: async (name, _event, invoke) => {
      if (broken && BROKEN.includes(name)) throw new Error(`${name}: its dependency is down (on purpose)`);
      return invoke();
    },
  });
  const created = await createStream(stack.stack.db, T, { delivery: { method: POLL_METHOD } });
  streamId = String(created.stream.stream_id);
  pollCredential = String(created.pollCredential);
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('failing consumers leave their batches whole in the store and their work undone', async () => {
  ada = String((await call('POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).id);
  group = String((await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineers', members: [{ value: ada }] })).id);
  expect((await stack.request(T, 'DELETE', `/Users/${ada}`)).status).toBe(204);
  // A member add that lands after the user's delete (a race the janitor exists for): an orphan membership.
  await addMembers(stack.stack.db, T, group, [ada]);
  await stack.stack.drainStreams();

  const batches = await Promise.all((await store.pending()).map(async (key) => parseFailedBatch(await store.get(key))));
  expect(new Set(batches.map((batch) => functionNameOf(batch.functionArn)))).toEqual(new Set(BROKEN));
  expect((await tenantActivity(stack.stack.db, T, { resourceId: ada })).records).toEqual([]);
  expect(await isMember(stack.stack.db, T, group, ada)).toBe(true);
  expect(await setsOnStream()).toEqual([]);
});

test('redrive replays each batch through its own consumer, once', async () => {
  broken = false;
  const pending = await store.pending();
  const lines: string[] = [];
  const targets = { store, consumers: localConsumers({ db: stack.stack.db, dataDir: dir }, (line) => lines.push(line)).consumers };
  expect(await redrive(targets)).toEqual({ replayed: pending, failed: [], skipped: [] });

  const history = (await tenantActivity(stack.stack.db, T, { resourceId: ada })).records.map((record) => record.operation);
  expect(history).toEqual(expect.arrayContaining(['create', 'add_member', 'delete']));
  expect(await isMember(stack.stack.db, T, group, ada)).toBe(false);
  await stack.stack.drainStreams();
  // One SET per change of a User or Group: ada created and deleted, the group created.
  const sets = await setsOnStream();
  expect(sets.filter((claims) => claims.includes(`"/Users/${ada}"`))).toHaveLength(2);
  expect(sets.filter((claims) => claims.includes(`"/Groups/${group}"`))).toHaveLength(1);

  expect(await redrive(targets)).toEqual({ replayed: [], failed: [], skipped: [] });
  await stack.stack.drainStreams();
  expect(await setsOnStream()).toHaveLength(sets.length);
});

test('a batch of a consumer the stack does not have is kept and reported as skipped', async () => {
  const key = failedBatchKey('stranger');
  await store.put(key, JSON.stringify(failedBatchRecord('arn:aws:lambda:local:000000000000:function:stranger', [], 1)));
  const targets = { store, consumers: localConsumers({ db: stack.stack.db, dataDir: dir }, () => undefined).consumers };
  expect(await redrive(targets)).toEqual({ replayed: [], failed: [], skipped: [key] });
  expect(await store.pending()).toEqual([key]);
});
