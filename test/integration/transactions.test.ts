/**
 * Transactions that run at the same time on a grouping handle (store/transactions.ts groupingWrites,
 * what POST /Bulk gives its operations) share TransactWriteItems calls, on DynamoDB Local: within
 * DynamoDB's limits (100 actions, 4 MB), never two naming one item, each caller with its own outcome.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../functions/store/db';
import { createResource, getResources } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { groupingWrites, transactWrite, type TransactItems } from '../../functions/store/transactions';
import { isCountChange } from '../../functions/store/resource-counts';
import { UniqueValueTaken } from '../../functions/store/store-errors';
import { USER } from '../support/urns';
import { dropTable, testDb } from '../support/dynamodb';

const T = 'tx';
let db: Db;
/** Per TransactWriteItems call: its number of actions, of them the callers' own (not count changes), their count deltas' sum, and the size of its request. */
let calls: { actions: number; own: number; counted: number; bytes: number }[] = [];

beforeAll(async () => {
  db = await testDb('transactions');
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^TransactWrite/.test(String(context.commandName))) {
        const items = (args.input as { TransactItems?: TransactItems }).TransactItems ?? [];
        const counts = items.filter(isCountChange);
        const counted = counts.reduce((sum, item) => sum + Number(item.Update?.ExpressionAttributeValues?.[':delta']), 0);
        calls.push({ actions: items.length, own: items.length - counts.length, counted, bytes: JSON.stringify(items).length });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countTransactions' },
  );
});
afterAll(async () => dropTable(db));
beforeEach(() => {
  calls = [];
});

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER],
  id: randomUUID(),
  userName,
  externalId: `ext-${userName}`,
  ...extra,
});

describe('transactions on a grouping handle', () => {
  it('puts 120 concurrent creates into a few calls of at most 100 actions, and every create lands', async () => {
    const grouped = groupingWrites(db);
    const created = await Promise.all(
      Array.from({ length: 120 }, (_, i) => createResource(grouped, T, 'User', user(`many${i}@example.com`), standardRegistry)),
    );
    // Each create is 3 actions (resource, userName, externalId index) and a count change; the count
    // changes of a call are merged per shard (at most 16 actions), so about 28 creates fill a call.
    expect(calls.every((c) => c.actions <= 100)).toBe(true);
    expect(calls.reduce((sum, c) => sum + c.own, 0)).toBe(360);
    expect(calls.reduce((sum, c) => sum + c.counted, 0)).toBe(120);
    expect(calls.every((c) => c.actions - c.own <= 16)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(6);
    const stored = await getResources(
      db,
      T,
      'User',
      created.map((c) => c.id),
    );
    expect(stored.map((s) => s.resource.userName)).toEqual(created.map((c) => c.resource.userName));
  });

  it('splits calls by size: 12 creates of 300 KB never make one request over 4 MB', async () => {
    const grouped = groupingWrites(db);
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createResource(grouped, T, 'User', user(`big${i}@example.com`, { title: 'x'.repeat(300_000) }), standardRegistry),
      ),
    );
    expect(calls.length).toBeGreaterThan(1);
    expect(Math.max(...calls.map((c) => c.bytes))).toBeLessThan(4_000_000);
    expect(
      await getResources(
        db,
        T,
        'User',
        created.map((c) => c.id),
      ),
    ).toHaveLength(12);
  });

  it('fails only the create whose userName is taken; the others sharing its call land', async () => {
    await createResource(db, T, 'User', user('held@example.com'), standardRegistry);
    const grouped = groupingWrites(db);
    const attempts = Array.from({ length: 30 }, (_, i) => user(i === 13 ? 'HELD@example.com' : `share${i}@example.com`));
    const outcomes = await Promise.allSettled(attempts.map((u) => createResource(grouped, T, 'User', u, standardRegistry)));
    expect(outcomes.map((o) => o.status)).toEqual(attempts.map((_, i) => (i === 13 ? 'rejected' : 'fulfilled')));
    // The store says which value is taken; the provisioning edge answers it as 409 uniqueness.
    const reason = (outcomes[13] as PromiseRejectedResult).reason as UniqueValueTaken;
    expect(reason).toBeInstanceOf(UniqueValueTaken);
    expect(reason).toMatchObject({ resourceType: 'User', attribute: 'userName' });
    expect(
      await getResources(
        db,
        T,
        'User',
        attempts.map((u) => u.id),
      ),
    ).toHaveLength(29);
  });

  it('gives a userName to exactly one of two concurrent creates (never both in one call)', async () => {
    const grouped = groupingWrites(db);
    const [first, second] = await Promise.allSettled([
      createResource(grouped, T, 'User', user('pair@example.com'), standardRegistry),
      createResource(grouped, T, 'User', user('Pair@example.com'), standardRegistry),
    ]);
    expect(first?.status).toBe('fulfilled');
    expect(second?.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(UniqueValueTaken);
  });

  it('runs two transactions naming one item in separate calls, in arrival order', async () => {
    const grouped = groupingWrites(db);
    const key = { PK: `TENANT#${T}`, SK: 'PROBE#same' };
    await Promise.all(
      ['one', 'two', 'three'].map((value) => transactWrite(grouped, [{ Put: { TableName: db.table, Item: { ...key, value } } }])),
    );
    expect(calls.map((c) => c.actions)).toEqual([1, 1, 1]);
    const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    expect(Item?.value).toBe('three');
  });
});
