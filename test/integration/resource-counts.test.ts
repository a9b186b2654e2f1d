/**
 * Exact per-tenant counts (issue #28, store/resource-counts.ts) over HTTP on DynamoDB Local: parallel
 * creates and deletes of users and groups (winners and losers, a group created leased), a coalesced Bulk
 * request (its count changes merged per shard), and failed writes end with the counters equal to a COUNT of the tenant's items, which is the
 * totalResults of an unfiltered walk. A tenant whose users predate the counters gets its total from a
 * COUNT until the counters are settled; the recount repairs a wrong counter, also while users are created.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { COUNT_SHARDS, COUNTED_TYPES, countChange, readResourceCount } from '../../functions/store/resource-counts';
import { countResources, recountResources, totalResources } from '../../functions/store/resources';
import { keys } from '../../functions/store/keys';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { BULK, GROUP, USER } from '../support/urns';

let stack: TestStack;
let named = 0;

beforeAll(async () => {
  stack = await startTestStack({ tenants: ['counted', 'bulky', 'old', 'repaired', 'grouped'] });
}, 60_000);
afterAll(async () => stack?.stop());

const db = () => stack.stack.db;
const createUser = async (tenant: string, userName = `user${(named += 1)}@counts.example`) =>
  stack.request(tenant, 'POST', '/Users', { schemas: [USER], userName });
const idOf = (response: { body: unknown }) => (response.body as Json).id as string;

/** The counters, the items and an unfiltered walk's first page agree. */
async function expectCount(tenant: string, expected: number, type: 'User' | 'Group' = 'User'): Promise<void> {
  expect((await readResourceCount(db(), tenant, type, true)).total).toBe(expected);
  expect(await countResources(db(), tenant, type)).toBe(expected);
  const page = await stack.request(tenant, 'GET', `/${type}s?startIndex=1&count=5`);
  expect((page.body as Json).totalResults).toBe(expected);
}

describe('exact user counts', () => {
  it('count every resource type', () => {
    expect([...COUNTED_TYPES].sort()).toEqual(['Group', 'User']);
  });

  it('end exact after parallel creates (some losing a userName race) and parallel deletes', async () => {
    const created = await Promise.all(Array.from({ length: 40 }, () => createUser('counted')));
    // 10 clients race for one userName: one 201, nine 409 that change no count.
    const racing = await Promise.all(Array.from({ length: 10 }, () => createUser('counted', 'same@counts.example')));
    expect(racing.map((r) => r.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
    const ids = created.map((r) => {
      expect(r.status).toBe(201);
      return idOf(r);
    });
    // Two deletes of each of 15 users at once: one 204 each, the other 404; a count drops once per user.
    const deletes = await Promise.all(
      ids.slice(0, 15).flatMap((id) => [1, 2].map(() => stack.request('counted', 'DELETE', `/Users/${id}`))),
    );
    expect(deletes.filter((r) => r.status === 204)).toHaveLength(15);
    await expectCount('counted', 40 + 1 - 15);
  }, 60_000);

  it('do not move on a refused delete (stale If-Match)', async () => {
    const user = await createUser('counted');
    const stale = await stack.request('counted', 'DELETE', `/Users/${idOf(user)}`, undefined, { 'if-match': 'W/"99"' });
    expect(stale.status).toBe(412);
    await expectCount('counted', 27);
  });

  it('end exact after a Bulk request whose creates share transactions (their count changes merged per shard)', async () => {
    const operations = Array.from({ length: 60 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      // Two operations name one userName: one of them fails and must not count.
      data: { schemas: [USER], userName: i === 59 ? 'bulk0@counts.example' : `bulk${i}@counts.example` },
    }));
    const response = await stack.request('bulky', 'POST', '/Bulk', { schemas: [BULK], Operations: operations });
    expect(response.status).toBe(200);
    const statuses = ((response.body as Json).Operations as Json[]).map((op) => op.status);
    expect(statuses.filter((s) => s === '201')).toHaveLength(59);
    expect(statuses.filter((s) => s === '409')).toHaveLength(1);
    await expectCount('bulky', 59);
  }, 60_000);
});

describe('exact group counts', () => {
  it('end exact after parallel creates (a displayName race), a create larger than one transaction, and parallel deletes', async () => {
    const members = (await Promise.all(Array.from({ length: 120 }, () => createUser('grouped')))).map(idOf);
    const group = (displayName: string, memberIds: string[] = []) =>
      stack.request('grouped', 'POST', '/Groups', { schemas: [GROUP], displayName, members: memberIds.map((value) => ({ value })) });
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => group(`team ${i}`, members.slice(i, i + 3))));
    const racing = await Promise.all(Array.from({ length: 6 }, () => group('one name')));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    // 120 members: created leased (intent items, filled, then committed), counted once.
    const large = await group('everyone', members);
    expect(large.status).toBe(201);
    const deletes = await Promise.all(
      created.slice(0, 8).flatMap((r) => [1, 2].map(() => stack.request('grouped', 'DELETE', `/Groups/${idOf(r)}`))),
    );
    expect(deletes.filter((r) => r.status === 204)).toHaveLength(8);
    await expectCount('grouped', 20 + 1 + 1 - 8, 'Group');
    expect((await stack.request('grouped', 'DELETE', `/Groups/${idOf(large)}`)).status).toBe(204);
    await expectCount('grouped', 13, 'Group');
    await expectCount('grouped', 120);
  }, 120_000);
});

describe('users from before the counters', () => {
  it('are counted by a COUNT until the counters are settled, then by the counters', async () => {
    const ids = (await Promise.all(Array.from({ length: 12 }, () => createUser('old')))).map(idOf);
    // As if they predated the counters: no shard holds them.
    for (let shard = 0; shard <= COUNT_SHARDS; shard += 1) {
      await db().client.send(new DeleteCommand({ TableName: db().table, Key: keys.resourceCount('old', 'User', shard) }));
    }
    expect((await readResourceCount(db(), 'old', 'User', true)).complete).toBe(false);
    await stack.request('old', 'DELETE', `/Users/${ids[0]}`); // a counted delete of an uncounted user: shards at -1
    expect((await readResourceCount(db(), 'old', 'User', true)).total).toBe(-1);
    // The walk's total is a COUNT, exact, and settles the counters (no write ran meanwhile).
    expect(await totalResources(db(), 'old', 'User')).toBe(11);
    expect(await readResourceCount(db(), 'old', 'User', true)).toMatchObject({ total: 11, complete: true });
    await createUser('old');
    await expectCount('old', 12);
  });
});

describe('the recount (docs/operations.md#resource-counts)', () => {
  it('repairs a wrong counter, also while users are being created', async () => {
    await Promise.all(Array.from({ length: 10 }, () => createUser('repaired')));
    // A counter gone wrong: 5 counted that no user holds.
    await db().client.send(new TransactWriteCommand({ TransactItems: [countChange(db(), 'repaired', 'User', 5)] }));
    expect((await readResourceCount(db(), 'repaired', 'User', true)).total).toBe(15);
    const [repair] = await Promise.all([
      recountResources(db(), 'repaired', 'User'),
      Promise.all(Array.from({ length: 10 }, () => createUser('repaired'))),
    ]);
    expect(repair.before - repair.after).toBe(5);
    await expectCount('repaired', 20);
  }, 60_000);
});
