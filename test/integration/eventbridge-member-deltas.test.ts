/**
 * The EventBridge bus gets the member delta of a group write too large for one transaction as the
 * event streams do (docs/events.md): one entry per chunk of the delta, all of the write's version, sent
 * in chunk order, each marked `chunk: {index, count}`, together naming exactly who joined and who left.
 * Through moto_server's EventBridge (a bus, a rule to an SQS queue, what a consumer would read), with the
 * publisher reading the delta's chunk items from DynamoDB Local as it does in AWS.
 *
 * The chunk size is SCIM_GROUP_DELTA_CHUNK_IDS, here 20 (production: 500): the same code paths and as
 * many chunks as 4,000 members would give at 500. A 500-id chunk's entry size is held by
 * test/unit/events/eventbridge-limit.test.ts.
 */
import { expect } from '@jest/globals';
import { EVENT_SOURCE, MAX_ENTRY_BYTES, eventBridgeSink } from '../../functions/events/eventbridge';
import type { EventPayload } from '../../functions/events/change-event';
import type { EventSink, PublishedEvent } from '../../functions/events/publish';
import { seedResources } from '../../functions/store/resource-seeding';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { describeWithMoto } from '../support/moto';
import { motoBus, type MotoBus } from '../support/moto-bus';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'big';
const BUS = 'scim-changes';
const CHUNK = 20;
const PATCH = 'urn:ietf:params:scim:event:prov:patch:notice';
const userIds = Array.from({ length: 250 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);

let stack: TestStack;
let bus: MotoBus;
/** Every event the publisher handed to the bus sink, in the order it sent them. */
const sent: PublishedEvent[] = [];
let groupId = '';

/** The group's body with these members (POST and PUT). */
const everyone = (members: readonly string[]) => ({
  schemas: [GROUP],
  displayName: 'Everyone',
  members: members.map((value) => ({ value })),
});

/** The group's patch payloads among `events`, in the given order. */
const patchesOf = (events: readonly PublishedEvent[]) =>
  events.filter((e) => e.sub_id.id === groupId && e.events[PATCH]).map((e) => ({ event: e, payload: e.events[PATCH] as EventPayload }));

const idsOf = (patches: ReturnType<typeof patchesOf>, side: 'added' | 'removed') => patches.flatMap((p) => p.payload.members?.[side] ?? []);

/** Chunks 1..n of one version, sent in that order, each with its ids, under the entry limit; the received ones the same set. */
async function chunkedWrite(expectedChunks: number): Promise<ReturnType<typeof patchesOf>> {
  await stack.stack.drainStreams();
  const patches = patchesOf(sent.splice(0));
  const received = (await bus.receiveAll()).filter((r) => r.detail.sub_id.id === groupId && r.detail.events[PATCH]);
  expect(patches.map((p) => p.payload.chunk)).toEqual(
    Array.from({ length: expectedChunks }, (_, i) => ({ index: i + 1, count: expectedChunks })),
  );
  expect(new Set(patches.map((p) => p.payload.version)).size).toBe(1);
  expect(new Set(patches.map((p) => p.event.txn)).size).toBe(1);
  expect(new Set(patches.map((p) => p.event.jti)).size).toBe(expectedChunks);
  for (const p of patches) expect(p.payload.attributes).toContain('members');
  expect(received.map((r) => r.detail.jti).sort()).toEqual(patches.map((p) => p.event.jti).sort());
  for (const r of received) {
    expect(r.detailType).toBe('SCIM Group patch');
    expect(r.bytes).toBeLessThan(MAX_ENTRY_BYTES);
  }
  return patches;
}

describeWithMoto('EventBridge entries of a large group write carry its member delta in chunks', {
  setup: async (moto) => {
    process.env.SCIM_GROUP_DELTA_CHUNK_IDS = String(CHUNK);
    bus = await motoBus(moto.endpoint, BUS, { source: [EVENT_SOURCE], detail: { resourceType: ['Group'] } });
    const sendToBus = eventBridgeSink(bus.eventBridge, BUS);
    const sink: EventSink = async (events) => {
      sent.push(...events);
      return sendToBus(events);
    };
    stack = await startTestStack({ tenants: [T], eventSink: sink });
    const users = userIds.map((id, n) => ({ schemas: [USER], id, userName: `member${n}@big.example` }));
    await seedResources(stack.stack.db, T, 'User', users, standardRegistry);
    await stack.stack.drainStreams();
    sent.splice(0);
    expect(await bus.receiveAll()).toEqual([]); // the rule takes groups only
  },
  teardown: async () => {
    await stack?.stop();
    bus?.eventBridge.destroy();
    delete process.env.SCIM_GROUP_DELTA_CHUNK_IDS;
  },
  tests: {
    'a group created with 200 members: 10 entries of one version, in order, naming exactly its members': async () => {
      const created = await stack.request(T, 'POST', '/Groups', everyone(userIds.slice(0, 200)));
      expect(created.status).toBe(201);
      groupId = (created.body as Json).id as string;
      const patches = await chunkedWrite(200 / CHUNK);
      expect(idsOf(patches, 'added')).toHaveLength(200);
      expect(new Set(idsOf(patches, 'added'))).toEqual(new Set(userIds.slice(0, 200)));
      expect(idsOf(patches, 'removed')).toEqual([]);
    },

    'a replacement (100 leave, 50 join): 8 entries that say exactly who left and who joined': async () => {
      const replaced = await stack.request(T, 'PUT', `/Groups/${groupId}`, everyone(userIds.slice(100, 250)));
      expect(replaced.status).toBe(200);
      const patches = await chunkedWrite(Math.ceil(150 / CHUNK));
      expect(patches[0]?.payload.version).toBe(replaced.headers.get('etag'));
      expect(new Set(idsOf(patches, 'added'))).toEqual(new Set(userIds.slice(200, 250)));
      expect(new Set(idsOf(patches, 'removed'))).toEqual(new Set(userIds.slice(0, 100)));
      expect([...idsOf(patches, 'added'), ...idsOf(patches, 'removed')]).toHaveLength(150);
    },

    'a small write still comes as one entry with its ids and no chunk': async () => {
      const patch = { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members', value: [{ value: userIds[249] }] }] };
      expect((await stack.request(T, 'PATCH', `/Groups/${groupId}`, patch)).status).toBe(204);
      await stack.stack.drainStreams();
      const patches = patchesOf(sent.splice(0));
      expect(patches.map((p) => p.payload)).toEqual([
        { attributes: ['members'], version: expect.any(String), members: { added: [], removed: [userIds[249]] } },
      ]);
      expect(patches[0]?.event.jti).toBe(patches[0]?.event.txn);
      expect((await bus.receiveAll()).map((r) => r.detail.jti)).toEqual([patches[0]?.event.jti]);
    },
  },
});
