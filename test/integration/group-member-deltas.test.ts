/**
 * Membership deltas of group writes too large for one transaction (the leased path, docs/events.md):
 * a group created with 200 members, then its members replaced (100 leave, 50 join), over HTTP.
 * Each write's `prov:patch` reaches an event stream as SETs of at most CHUNK ids, one version,
 * chunks 1..n in order, that together name exactly who joined and who left; the activity log (the
 * same `memberDelta` field) has a record for every member added and removed. A replacement whose
 * holder died after storing its intent is rolled forward by the next writer with the same delta.
 *
 * The chunk size is SCIM_GROUP_DELTA_CHUNK_IDS (production: 500), here 20: the same code paths and
 * as many chunks as 2,000 members at 500 would give, with a tenth of the users to seed. The size of a
 * full 500-id chunk's SET is held by test/unit/events/stream-sets.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createStream } from '../../functions/events/stream-service';
import { tenantActivity } from '../../functions/activity/activity-service';
import { commitGroupChange } from '../../functions/store/group-writes/commit';
import { readGroup } from '../../functions/store/group-writes/read';
import { seedResources } from '../../functions/store/resource-seeding';
import { membersPartition } from '../../functions/store/keys';
import { queryPrefix } from '../../functions/store/partition';
import { GroupChangeUnfinished } from '../../functions/store/store-errors';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'big';
const CHUNK = 20;
const USERS = 250;
const PATCH = 'urn:ietf:params:scim:event:prov:patch:notice';
let stack: TestStack;
let pollUrl: string;
let credential: string;
const userIds = Array.from({ length: USERS }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);

interface Payload {
  readonly version: string;
  readonly attributes?: string[];
  readonly members?: { added: string[]; removed: string[] };
  readonly chunk?: { index: number; count: number };
}

/** Polls with ack until nothing is left; every SET, in the order received. */
async function drain(): Promise<string[]> {
  const all: string[] = [];
  let ack: string[] = [];
  for (;;) {
    const response = await fetch(pollUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${credential}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ maxEvents: 50, returnImmediately: true, ack }),
    });
    const { sets } = (await response.json()) as { sets: Record<string, string> };
    ack = Object.keys(sets);
    all.push(...Object.values(sets));
    if (ack.length === 0) return all.sort((a, b) => String(decodeJwt(a).jti).localeCompare(String(decodeJwt(b).jti)));
  }
}

/** The patch SETs of the group, by chunk: their payloads. */
function patchesOf(sets: string[], groupId: string) {
  return sets
    .map((set) => ({ claims: decodeJwt(set) as { sub_id: { id: string }; events: Record<string, Payload> } }))
    .filter(({ claims }) => claims.sub_id.id === groupId && claims.events[PATCH])
    .map(({ claims }) => ({ payload: claims.events[PATCH] as Payload }));
}

beforeAll(async () => {
  process.env.SCIM_GROUP_DELTA_CHUNK_IDS = String(CHUNK);
  stack = await startTestStack({ tenants: [T] });
  const poll = await createStream(stack.stack.db, T, { stream_id: 'poller', delivery: { method: 'urn:ietf:rfc:8936' } });
  pollUrl = (poll.stream.delivery as Json).endpoint_url as string;
  credential = poll.pollCredential as string;
  // The users are the test's ground, not its subject: written through the store in batches (store/resource-seeding.ts).
  const users = userIds.map((id, n) => ({ schemas: [USER], id, userName: `member${n}@big.example` }));
  await seedResources(stack.stack.db, T, 'User', users, standardRegistry);
  await stack.stack.drainStreams();
  await drain();
}, 120_000);
afterAll(async () => {
  await stack.stop();
  delete process.env.SCIM_GROUP_DELTA_CHUNK_IDS;
});

describe('membership deltas of large group writes', () => {
  let groupId: string;

  it('a group created with 200 members: chunked SETs of one version, in order, naming exactly its members', async () => {
    const created = await stack.request(T, 'POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Everyone',
      members: userIds.slice(0, 200).map((value) => ({ value })),
    });
    expect(created.status).toBe(201);
    groupId = (created.body as Json).id as string;
    await stack.stack.drainStreams();
    const patches = patchesOf(await drain(), groupId);
    expect(patches).toHaveLength(200 / CHUNK);
    expect(patches.map((p) => p.payload.chunk)).toEqual(patches.map((_, i) => ({ index: i + 1, count: patches.length })));
    expect(new Set(patches.map((p) => p.payload.version)).size).toBe(1);
    const added = patches.flatMap((p) => p.payload.members?.added ?? []);
    expect(added).toHaveLength(200);
    expect(new Set(added)).toEqual(new Set(userIds.slice(0, 200)));
    expect(patches.flatMap((p) => p.payload.members?.removed ?? [])).toEqual([]);
    for (const p of patches) {
      expect(p.payload.attributes).toContain('members');
      expect(p.payload.members?.added).toHaveLength(CHUNK);
    }
  }, 120_000);

  it('a replacement of its members: who left and who joined, exactly, in chunks', async () => {
    const members = userIds.slice(100, 250).map((value) => ({ value }));
    const replaced = await stack.request(T, 'PUT', `/Groups/${groupId}`, { schemas: [GROUP], displayName: 'Everyone', members });
    expect(replaced.status).toBe(200);
    await stack.stack.drainStreams();
    const patches = patchesOf(await drain(), groupId);
    expect(patches).toHaveLength(Math.ceil(150 / CHUNK));
    expect(patches.map((p) => p.payload.chunk?.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(patches.flatMap((p) => p.payload.members?.added ?? []))).toEqual(new Set(userIds.slice(200, 250)));
    expect(new Set(patches.flatMap((p) => p.payload.members?.removed ?? []))).toEqual(new Set(userIds.slice(0, 100)));
    expect(patches.flatMap((p) => [...(p.payload.members?.added ?? []), ...(p.payload.members?.removed ?? [])])).toHaveLength(150);
    const sizes = patches.map((p) => (p.payload.members?.added.length ?? 0) + (p.payload.members?.removed.length ?? 0));
    expect(sizes).toEqual([...Array<number>(7).fill(CHUNK), 150 - 7 * CHUNK]);
  }, 120_000);

  it('the activity log has each member’s joining and leaving (the same delta field)', async () => {
    const history = async (userId: string) =>
      (await tenantActivity(stack.stack.db, T, { resourceId: userId })).records
        .filter((r) => r.resourceId === groupId || r.memberId === userId)
        .map((r) => r.operation)
        .reverse();
    expect(await history(userIds[0] as string)).toEqual(['add_member', 'remove_member']);
    expect(await history(userIds[199] as string)).toEqual(['add_member']);
    expect(await history(userIds[249] as string)).toEqual(['add_member']);
    expect(await history(userIds[200] as string)).toEqual(['add_member']);
  }, 60_000);

  it('a replacement rolled forward after its holder died: the same chunked delta, exactly', async () => {
    const db = stack.stack.db;
    const record = await readGroup(db, T, groupId);
    if (!record) throw new Error('group missing');
    // A holder whose time ran out right after storing its intent (lease, list and delta), before any member write.
    const change = {
      before: record.stored,
      resource: { ...record.stored.resource, displayName: 'Rolled forward' },
      put: userIds.slice(0, 100),
      remove: userIds.slice(120, 250),
      members: userIds.slice(0, 120),
      registry: standardRegistry,
    };
    await expect(commitGroupChange(db, T, change, 'dead-holder', { writeDeadline: Date.now() - 1, marginMs: 0 })).rejects.toBeInstanceOf(
      GroupChangeUnfinished,
    );
    expect((await readGroup(db, T, groupId))?.lease?.owner).toBe('dead-holder');
    // The delta is in its chunk items before the holder stopped; the intent only names them (none of its
    // ids): so a replacement whose leavers are a whole 100,000-member group keeps its delta too.
    const stored = async (prefix: string) =>
      (await queryPrefix(db, { partition: membersPartition(T, groupId), prefix: `${prefix}dead-holder#` })).items;
    expect(await stored('DELTA#')).toHaveLength(Math.ceil(230 / CHUNK));
    const intent = await stored('INTENT#');
    expect(intent.length).toBeGreaterThan(0);
    expect(
      intent.flatMap((item) => [
        ...((item.removed as string[] | undefined) ?? []),
        ...(item.addedCount !== undefined ? ['addedCount'] : []),
      ]),
    ).toEqual([]);
    expect(intent[0]?.deltaChunks).toMatchObject({
      deltaId: 'dead-holder',
      chunks: Math.ceil(230 / CHUNK),
      addedCount: 100,
      removedCount: 130,
    });
    // The next writer (a rename over HTTP) finds the lease expired and finishes the replacement first.
    const renamed = await stack.request(T, 'PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'After recovery' }],
    });
    expect(renamed.status).toBe(204);
    await stack.stack.drainStreams();
    const patches = patchesOf(await drain(), groupId).filter((p) => p.payload.members);
    expect(patches).toHaveLength(Math.ceil(230 / CHUNK));
    expect(patches.map((p) => p.payload.chunk)).toEqual(patches.map((_, i) => ({ index: i + 1, count: patches.length })));
    expect(new Set(patches.map((p) => p.payload.version)).size).toBe(1);
    const added = patches.flatMap((p) => p.payload.members?.added ?? []);
    const removed = patches.flatMap((p) => p.payload.members?.removed ?? []);
    expect([added.length, removed.length]).toEqual([100, 130]);
    expect(new Set(added)).toEqual(new Set(userIds.slice(0, 100)));
    expect(new Set(removed)).toEqual(new Set(userIds.slice(120, 250)));
    const group = await stack.request(T, 'GET', `/Groups/${groupId}`);
    expect((group.body as Json).displayName).toBe('After recovery');
    const members = ((group.body as Json).members as { value: string }[]).map((m) => m.value);
    expect(new Set(members)).toEqual(new Set(userIds.slice(0, 120)));
    const history = async (userId: string) =>
      (await tenantActivity(db, T, { resourceId: userId })).records
        .filter((r) => r.resourceId === groupId || r.memberId === userId)
        .map((r) => r.operation)
        .reverse();
    expect(await history(userIds[0] as string)).toEqual(['add_member', 'remove_member', 'add_member']);
    expect(await history(userIds[249] as string)).toEqual(['add_member', 'remove_member']);
    expect(await history(userIds[110] as string)).toEqual(['add_member']);
  }, 120_000);
});
