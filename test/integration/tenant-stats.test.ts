/**
 * `GET /admin/v1/tenants/{id}/stats` over HTTP on the local stack (DynamoDB Local): users and groups are
 * the exact per-tenant counters read as an unfiltered list's totalResults reads them
 * (functions/tenants/tenant-stats.ts → store/resources.ts totalResources), so the two always agree —
 * a counter set wrong on purpose shows in both until the recount — and a tenant whose counters are not yet
 * settled is counted once and settled, as the list does. Active users and memberships are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { COUNT_SHARDS, countChange, readResourceCount } from '../../functions/store/resource-counts';
import { recountResources } from '../../functions/store/resources';
import { keys } from '../../functions/store/keys';
import { adminCaller } from '../support/admin-api';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, USER } from '../support/urns';

let stack: TestStack;
const admin = adminCaller(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ tenants: ['stats', 'unsettled', 'neighbour'] });
}, 60_000);
afterAll(async () => stack?.stop());

const db = () => stack.stack.db;
const idOf = (response: { body: unknown }) => (response.body as Json).id as string;

async function createUsers(tenant: string, count: number, active = true): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      stack.request(tenant, 'POST', '/Users', { schemas: [USER], userName: `${active ? 'on' : 'off'}${i}@${tenant}.example`, active }),
    ),
  );
  return created.map((response) => {
    expect(response.status).toBe(201);
    return idOf(response);
  });
}

async function createGroup(tenant: string, displayName: string, members: readonly string[]): Promise<string> {
  const response = await stack.request(tenant, 'POST', '/Groups', {
    schemas: [GROUP],
    displayName,
    members: members.map((value) => ({ value })),
  });
  expect(response.status).toBe(201);
  return idOf(response);
}

const stats = async (tenant: string) => {
  const response = await admin('GET', `/tenants/${tenant}/stats`);
  expect(response.status).toBe(200);
  return response.json;
};

/** An unfiltered list's totalResults (what Okta's import and every admin tool reads). */
const totalResults = async (tenant: string, type: 'Users' | 'Groups') =>
  ((await stack.request(tenant, 'GET', `/${type}?startIndex=1&count=1`)).body as Json).totalResults;

describe('tenant stats', () => {
  it('counts users, active users, groups and memberships, equal to the lists’ totalResults', async () => {
    const active = await createUsers('stats', 7);
    const inactive = await createUsers('stats', 3, false);
    await createGroup('stats', 'Everyone', [...active, ...inactive]);
    const small = await createGroup('stats', 'Few', active.slice(0, 2));
    await createGroup('stats', 'Nobody', []);
    // Deletes move the counters too: one active user, one group with its 2 memberships.
    expect((await stack.request('stats', 'DELETE', `/Users/${active[6]}`)).status).toBe(204);
    expect((await stack.request('stats', 'DELETE', `/Groups/${small}`)).status).toBe(204);
    await createUsers('neighbour', 4); // another tenant's users count for it only

    expect(await stats('stats')).toEqual({ users: 9, activeUsers: 6, groups: 2, memberships: 9 });
    expect(await totalResults('stats', 'Users')).toBe(9);
    expect(await totalResults('stats', 'Groups')).toBe(2);
    expect(await stats('neighbour')).toEqual({ users: 4, activeUsers: 4, groups: 0, memberships: 0 });
  });

  it('reads the counters, as totalResults does: a counter gone wrong shows in both until the recount', async () => {
    // 5 counted that no user holds (what `scim-admin counts recount` repairs).
    await db().client.send(new TransactWriteCommand({ TransactItems: [countChange(db(), 'stats', 'User', 5)] }));
    expect((await stats('stats')).users).toBe(14);
    expect(await totalResults('stats', 'Users')).toBe(14);
    expect(await recountResources(db(), 'stats', 'User')).toEqual({ before: 14, after: 9 });
    expect(await stats('stats')).toMatchObject({ users: 9, activeUsers: 6 });
  });

  it('counts a tenant whose counters are not yet settled once, and settles them, as the list does', async () => {
    await createUsers('unsettled', 6);
    await createUsers('unsettled', 2, false);
    // As if the users predated the counters: no shard holds them.
    for (let shard = 0; shard <= COUNT_SHARDS; shard += 1) {
      await db().client.send(new DeleteCommand({ TableName: db().table, Key: keys.resourceCount('unsettled', 'User', shard) }));
    }
    expect((await readResourceCount(db(), 'unsettled', 'User', true)).complete).toBe(false);
    expect(await stats('unsettled')).toEqual({ users: 8, activeUsers: 6, groups: 0, memberships: 0 });
    expect(await readResourceCount(db(), 'unsettled', 'User', true)).toMatchObject({ total: 8, complete: true });
    expect(await totalResults('unsettled', 'Users')).toBe(8);
  });

  it('is 404 for a tenant that does not exist', async () => {
    expect((await admin('GET', '/tenants/nobody-here/stats')).status).toBe(404);
  });
});
