/**
 * docs/capacity.md "Read consistency", held by the calls themselves: every DynamoDB read the
 * handlers make is recorded at the document client (real calls to DynamoDB Local), and each
 * access pattern's reads must carry the consistency the table promises. A read-your-write read
 * turned eventual, or a list walk turned strong (double the read units), fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { documentClient } from '../../functions/store/dynamodb-client';
import { keys, tenantPartition } from '../../functions/store/keys';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { PATCH_OP, USER } from '../support/urns';

interface Read {
  readonly command: string;
  readonly consistent: boolean;
  /** The key read (GetItem, each BatchGetItem key) or the key condition's values (Query). */
  readonly keys: readonly string[];
}

const T = 'consistency';
let stack: TestStack;
let reads: Read[] = [];
// The document client's commands run as the low-level ones, before marshalling (plain values).
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

function readOf(command: string, input: Json): Read {
  if (command === 'BatchGetItemCommand') {
    const requests = Object.values(input.RequestItems as Record<string, Json>);
    return {
      command,
      consistent: requests.every((r) => r.ConsistentRead === true),
      keys: requests.flatMap((r) => (r.Keys as Json[]).map((k) => `${k.PK}|${k.SK}`)),
    };
  }
  const values =
    command === 'GetItemCommand' ? [`${input.Key.PK}|${input.Key.SK}`] : Object.values(input.ExpressionAttributeValues ?? {}).map(String);
  return { command, consistent: input.ConsistentRead === true, keys: values };
}

/** The reads made while `action` runs (stream consumers run in the background: select by key). */
async function readsDuring(action: () => Promise<unknown>): Promise<Read[]> {
  reads = [];
  await action();
  return reads;
}

const touching = (list: Read[], fragment: string) => list.filter((r) => r.keys.some((k) => k.includes(fragment)));

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T], authorizerCacheSeconds: 0 });
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (READS.has(context.commandName ?? '')) reads.push(readOf(context.commandName ?? '', args.input as Json));
      return next(args);
    },
    { step: 'initialize', name: 'recordReads' },
  );
  for (const name of ['ada', 'grace', 'alan']) {
    expect((await stack.request(T, 'POST', '/Users', { schemas: [USER], userName: `${name}@example.com` })).status).toBe(201);
  }
});
afterAll(() => stack.stop());

describe('reads the table promises strong', () => {
  // The authorizer's reads go through lean-table.ts (one signed HTTP call, ConsistentRead: true written there), not this client.
  it('GET /Users/{id} reads strongly', async () => {
    const created = await stack.request(T, 'POST', '/Users', { schemas: [USER], userName: 'katherine@example.com' });
    const id = String((created.body as Json).id);
    const during = await readsDuring(() => stack.request(T, 'GET', `/Users/${id}`));
    const userKey = keys.user(T, id);
    const own = during.filter((r) => r.keys.includes(`${userKey.PK}|${userKey.SK}`));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((r) => !r.consistent)).toEqual([]);
  });

  it('the read before a PATCH (version, If-Match) is strong', async () => {
    const list = await stack.request(T, 'GET', '/Users?filter=userName+eq+%22ada@example.com%22');
    const id = String(((list.body as Json).Resources as Json[])[0]?.id);
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Ada' }] };
    const during = await readsDuring(() => stack.request(T, 'PATCH', `/Users/${id}`, patch));
    const userKey = keys.user(T, id);
    const own = during.filter((r) => r.keys.includes(`${userKey.PK}|${userKey.SK}`));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((r) => !r.consistent)).toEqual([]);
  });

  it('userName eq (Entra’s "filter, then create") reads the uniqueness item strongly', async () => {
    const during = await readsDuring(() => stack.request(T, 'GET', '/Users?filter=userName+eq+%22grace@example.com%22'));
    const unique = touching(during, 'UNIQUE#User.userName#');
    expect(unique.length).toBeGreaterThan(0);
    expect(unique.filter((r) => !r.consistent)).toEqual([]);
  });

  it('the position a startIndex walk continues from is read strongly', async () => {
    await stack.request(T, 'GET', '/Users?startIndex=1&count=2');
    const positions = keys.listPosition(T, 'q', 1).PK;
    const during = await readsDuring(() => stack.request(T, 'GET', '/Users?startIndex=3&count=2'));
    const position = touching(during, positions);
    expect(position.length).toBeGreaterThan(0);
    expect(position.filter((r) => !r.consistent)).toEqual([]);
  });
});

describe('reads the table promises eventually consistent', () => {
  it('a list page reads the users partition eventually consistent (half the read units)', async () => {
    const during = await readsDuring(() => stack.request(T, 'GET', '/Users?startIndex=1&count=2'));
    const page = during.filter(
      (r) => r.command === 'QueryCommand' && r.keys.includes(tenantPartition(T)) && r.keys.some((k) => k.startsWith('USER#')),
    );
    expect(page.length).toBeGreaterThan(0);
    expect(page.filter((r) => r.consistent)).toEqual([]);
  });
});
