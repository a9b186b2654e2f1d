/**
 * Issue #15 over real HTTP on DynamoDB Local: group writes are atomic and serializable (If-Match
 * on every write, concurrent replacements, failing PATCHes, DELETE races, changes larger than one
 * transaction and the roll-forward of an interrupted one), and no value is silently changed (lone
 * surrogates, numbers beyond a double's precision). Ends with a fast-check property: random
 * concurrent group writes end in a state some serial order of the acknowledged ones produces.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { commitGroupChange } from '../../functions/store/group-writes/commit';
import { readGroup } from '../../functions/store/group-writes/read';
import { GroupChangeUnfinished } from '../../functions/store/store-errors';
import { keys } from '../../functions/store/keys';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';
import { standardRegistry } from '../../functions/scim/schema/registry';

let stack: TestStack;
const T = 'acme';

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T, 'contoso'] });
});
afterAll(async () => {
  await stack.stop();
});

const call = jsonCaller(() => stack, T);
const withHeaders = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
  const response = await stack.request(T, method, path, body, headers);
  return { ...response, json: response.body as Json };
};
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });
const refs = (ids: readonly string[]) => ids.map((value) => ({ value }));

let counter = 0;
/** Users created 20 at a time: enough to be quick, few enough not to overload a shared DynamoDB Local. */
async function createUsers(n: number, tenant = T): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = Array.from({ length: Math.min(20, n - i) }, async () => {
      counter += 1;
      const response = await call('POST', '/Users', { schemas: [USER], userName: `gc${counter}@example.com` }, tenant);
      expect(response.status).toBe(201);
      return response.json.id as string;
    });
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

async function createGroup(members: readonly string[] = []): Promise<{ id: string; etag: string }> {
  counter += 1;
  const response = await call('POST', '/Groups', { schemas: [GROUP], displayName: `Group ${counter}`, members: refs(members) });
  expect(response.status).toBe(201);
  return { id: response.json.id as string, etag: response.headers.get('etag') as string };
}

async function groupState(id: string): Promise<{ displayName: string; members: string[]; version: string }> {
  const response = await call('GET', `/Groups/${id}`);
  expect(response.status).toBe(200);
  return {
    displayName: response.json.displayName as string,
    members: ((response.json.members ?? []) as Json[]).map((m) => m.value as string).sort(),
    version: response.json.meta.version as string,
  };
}

const statuses = (responses: readonly { status: number }[]) => responses.map((r) => r.status).sort();

describe('If-Match on every group write (finding 1, 4)', () => {
  it('lets one of five concurrent member PATCHes with the same If-Match succeed; the others are 412', async () => {
    const users = await createUsers(5);
    const group = await createGroup();
    const responses = await Promise.all(
      users.map((id) =>
        withHeaders('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: id }] }), {
          'If-Match': group.etag,
        }),
      ),
    );
    expect(statuses(responses)).toEqual([204, 412, 412, 412, 412]);
    const winner = users[responses.findIndex((r) => r.status === 204)];
    expect(await groupState(group.id)).toMatchObject({ members: [winner], version: 'W/"2"' });
  });

  it('answers 412 to a member PATCH with a stale ETag and writes nothing', async () => {
    const [a, b] = await createUsers(2);
    const group = await createGroup();
    expect((await call('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: a }] }))).status).toBe(204);
    const stale = await withHeaders('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: b }] }), {
      'If-Match': group.etag,
    });
    expect(stale.status).toBe(412);
    expect(await groupState(group.id)).toMatchObject({ members: [a], version: 'W/"2"' });
  });

  it('lets exactly one of a DELETE and five PATCHes racing with the same If-Match win; the losers are 412', async () => {
    for (let round = 0; round < 3; round += 1) {
      const users = await createUsers(5);
      const group = await createGroup();
      const responses = await Promise.all([
        withHeaders('DELETE', `/Groups/${group.id}`, undefined, { 'If-Match': group.etag }),
        ...users.map((id) =>
          withHeaders('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: id }] }), {
            'If-Match': group.etag,
          }),
        ),
      ]);
      const won = responses.filter((r) => r.status === 204);
      expect(won).toHaveLength(1);
      // A PATCH that comes after the winning DELETE finds no group (404); every other loser is 412.
      expect(responses.filter((r) => r.status !== 204).every((r) => r.status === 412 || r.status === 404)).toBe(true);
      if (responses[0]?.status === 204) expect((await call('GET', `/Groups/${group.id}`)).status).toBe(404);
      else expect(responses[0]?.status).toBe(412);
    }
  });
});

describe('concurrent member-list replacements (finding 2)', () => {
  it('ends five concurrent PUTs of one member each with exactly one of them', async () => {
    const users = await createUsers(5);
    const group = await createGroup();
    const responses = await Promise.all(
      users.map((id, i) => call('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: `Put ${i}`, members: [{ value: id }] })),
    );
    expect(statuses(responses)).toEqual([200, 200, 200, 200, 200]);
    const state = await groupState(group.id);
    expect(state.members).toHaveLength(1);
    expect(state.displayName).toBe(`Put ${users.indexOf(state.members[0] as string)}`);
  });

  it('ends five concurrent PATCH replaces of members with exactly one of them', async () => {
    const users = await createUsers(5);
    const group = await createGroup(users);
    await Promise.all(
      users.map((id) => call('PATCH', `/Groups/${group.id}`, patch({ op: 'replace', path: 'members', value: [{ value: id }] }))),
    );
    expect((await groupState(group.id)).members).toHaveLength(1);
  });

  it('gets a PUT through a stream of concurrent member adds (which need no version) and keeps a serial order', async () => {
    const users = await createUsers(42);
    const [kept, ...adders] = users as [string, ...string[]];
    const group = await createGroup();
    const responses = await Promise.all([
      call('PUT', `/Groups/${group.id}?excludedAttributes=members`, {
        schemas: [GROUP],
        displayName: 'Through',
        members: [{ value: kept }],
      }),
      ...adders.map((id) => call('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: id }] }))),
    ]);
    expect(statuses(responses)).toEqual([200, ...adders.map(() => 204)]);
    const state = await groupState(group.id);
    expect(state.displayName).toBe('Through');
    expect(state.members).toContain(kept);
    expect(state.members.every((id) => users.includes(id))).toBe(true);
    expect(state.version).toBe(`W/"${1 + responses.length}"`);
  }, 60_000);

  it('lets one of five PUTs with the same If-Match succeed', async () => {
    const users = await createUsers(5);
    const group = await createGroup();
    const responses = await Promise.all(
      users.map((id) =>
        withHeaders(
          'PUT',
          `/Groups/${group.id}`,
          { schemas: [GROUP], displayName: 'Pinned', members: [{ value: id }] },
          { 'If-Match': group.etag },
        ),
      ),
    );
    expect(statuses(responses)).toEqual([200, 412, 412, 412, 412]);
    expect((await groupState(group.id)).members).toEqual([users[responses.findIndex((r) => r.status === 200)]]);
  });

  it('serializes changes larger than one transaction (leased) against small ones', async () => {
    const pool = await createUsers(260);
    const sets = [pool.slice(0, 120), pool.slice(120, 240)];
    const extra = pool.slice(240);
    const group = await createGroup(pool.slice(0, 10));
    const responses = await Promise.all([
      ...sets.map((ids, i) =>
        call('PUT', `/Groups/${group.id}?excludedAttributes=members`, { schemas: [GROUP], displayName: `Big ${i}`, members: refs(ids) }),
      ),
      ...extra.map((id) => call('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: id }] }))),
    ]);
    expect(responses.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const state = await groupState(group.id);
    // Some serial order: the last PUT's members plus the adds that came after it.
    const last = sets[Number(state.displayName.slice(-1))] as string[];
    const added = state.members.filter((id) => !last.includes(id));
    expect(state.members.filter((id) => last.includes(id))).toHaveLength(last.length);
    expect(added.every((id) => extra.includes(id))).toBe(true);
    expect(state.version).toBe(`W/"${1 + responses.length}"`);
  }, 120_000);
});

describe('a group created with more members than one transaction holds', () => {
  it('is created leased and filled: 201 with every member at version 1, and the next write proceeds', async () => {
    const users = await createUsers(150);
    const created = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Created big', members: refs(users) });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect((created.json.members as Json[]).map((m) => m.value).sort()).toEqual([...users].sort());
    expect(
      (await call('PATCH', `/Groups/${created.json.id}`, patch({ op: 'remove', path: 'members', value: [{ value: users[0] }] }))).status,
    ).toBe(204);
    expect((await groupState(created.json.id as string)).members).toHaveLength(149);
  }, 60_000);
});

describe('a failing PATCH is atomic (finding 3)', () => {
  it('stores nothing and keeps the version when a later operation names a user of another tenant', async () => {
    const [a] = await createUsers(1);
    const [foreign] = await createUsers(1, 'contoso');
    const group = await createGroup([a as string]);
    const before = await groupState(group.id);
    const response = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'replace', path: 'displayName', value: 'x' }, { op: 'add', path: 'members', value: [{ value: foreign }] }),
    );
    expect([response.status, response.json.scimType]).toEqual([400, 'invalidValue']);
    expect(await groupState(group.id)).toEqual(before);
  });

  it('stores nothing when an attribute operation fails after member operations', async () => {
    const [a, b] = await createUsers(2);
    const group = await createGroup([a as string]);
    const before = await groupState(group.id);
    const response = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patch(
        { op: 'remove', path: 'members', value: [{ value: a }] },
        { op: 'add', path: 'members', value: [{ value: b }] },
        { op: 'replace', path: 'noSuchAttribute', value: 1 },
      ),
    );
    expect(response.status).toBe(400);
    expect(await groupState(group.id)).toEqual(before);
  });
});

describe('an interrupted large change is finished by the next writer (roll forward)', () => {
  it('applies the stored change of an expired lease before the next write', async () => {
    const users = await createUsers(130);
    const group = await createGroup(users.slice(0, 5));
    const record = await readGroup(stack.stack.db, T, group.id);
    if (!record) throw new Error('group missing');
    // A holder whose time ran out before its first batch write: lease and intent stored, members not.
    const change = {
      before: record.stored,
      resource: { ...record.stored.resource, displayName: 'Rolled forward' },
      put: users.slice(5),
      remove: users.slice(0, 2),
      registry: standardRegistry,
    };
    await expect(
      commitGroupChange(stack.stack.db, T, change, 'crashed-holder', { writeDeadline: Date.now() - 1, marginMs: 0 }),
    ).rejects.toBeInstanceOf(GroupChangeUnfinished);
    expect((await groupState(group.id)).members).toEqual(users.slice(0, 5).sort());

    const [late] = await createUsers(1);
    expect((await call('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: late }] }))).status).toBe(204);
    const state = await groupState(group.id);
    expect(state.displayName).toBe('Rolled forward');
    expect(state.members).toEqual([...users.slice(2), late as string].sort());
    expect(state.version).toBe('W/"3"');
    expect((await readGroup(stack.stack.db, T, group.id))?.lease).toBeUndefined();
  }, 60_000);
});

describe('no value is silently changed (findings 5, 6)', () => {
  const raw = (text: string) => stack.request(T, 'POST', '/Users', text);

  it('refuses a lone UTF-16 surrogate with 400 invalidValue; filters for one are 400 invalidFilter', async () => {
    const refused = await raw(`{"schemas":["${USER}"],"userName":"x\\ud800"}`);
    expect([refused.status, (refused.body as Json).scimType]).toEqual([400, 'invalidValue']);
    const key = await raw(`{"schemas":["${USER}"],"x\\udc00":"a","userName":"y"}`);
    expect(key.status).toBe(400);
    // The unrelated name that used to collide with the stored surrogate is free.
    expect((await call('POST', '/Users', { schemas: [USER], userName: 'x?' })).status).toBe(201);
    const filter = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "x\\ud800"')}`);
    expect([filter.status, filter.json.scimType]).toEqual([400, 'invalidFilter']);
    // A proper pair is kept exactly.
    const pair = await raw(`{"schemas":["${USER}"],"userName":"emoji\\ud83d\\ude00"}`);
    expect(pair.status).toBe(201);
    const found = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "emoji\u{1F600}"')}`);
    expect(found.json.totalResults).toBe(1);
  });

  it('refuses numbers that JSON.parse would round, and keeps the same digits sent as a string', async () => {
    const big = await raw(`{"schemas":["${USER}"],"userName":"big1","externalId":12345678901234567890}`);
    expect([big.status, (big.body as Json).scimType]).toEqual([400, 'invalidValue']);
    expect((big.body as Json).detail).toContain('12345678901234567890');
    const precise = await raw(`{"schemas":["${USER}"],"userName":"big2","externalId":0.30000000000000000001}`);
    expect(precise.status).toBe(400);
    const a = await call('POST', '/Users', { schemas: [USER], userName: 'big3', externalId: '12345678901234567890' });
    const b = await call('POST', '/Users', { schemas: [USER], userName: 'big4', externalId: '12345678901234567891' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.externalId).toBe('12345678901234567890');
    const small = await raw(`{"schemas":["${USER}"],"userName":"big5","externalId":123456789012345}`);
    expect([small.status, (small.body as Json).externalId]).toEqual([201, '123456789012345']);
    const filter = await call('GET', `/Users?filter=${encodeURIComponent('externalId eq 12345678901234567890')}`);
    expect([filter.status, filter.json.scimType]).toEqual([400, 'invalidFilter']);
    const patched = await stack.request(
      T,
      'PATCH',
      `/Users/${a.json.id}`,
      `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","path":"externalId","value":98765432109876543210}]}`,
    );
    expect(patched.status).toBe(400);
  });
});

describe('uniqueness in Unicode NFC', () => {
  const precomposed = 'Caf\u00e9@example.com';
  const decomposed = 'cafe\u0301@example.com';

  it('holds the precomposed and decomposed spellings of one name as one value, for uniqueness and filters', async () => {
    const first = await call('POST', '/Users', { schemas: [USER], userName: precomposed });
    expect(first.status).toBe(201);
    expect(first.json.userName).toBe(precomposed);
    const second = await call('POST', '/Users', { schemas: [USER], userName: decomposed });
    expect([second.status, second.json.scimType]).toEqual([409, 'uniqueness']);
    const found = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${decomposed}"`)}`);
    expect(found.json.Resources.map((u: Json) => u.id)).toEqual([first.json.id]);
    const scanned = await call('GET', `/Users?filter=${encodeURIComponent(`userName sw "cafe\u0301"`)}`);
    expect(scanned.json.Resources.map((u: Json) => u.id)).toEqual([first.json.id]);
  });

  it('still finds a user whose uniqueness item was written before keys were NFC (decomposed key)', async () => {
    const legacy = 'Rene\u0301@example.com';
    const created = await call('POST', '/Users', { schemas: [USER], userName: legacy });
    expect(created.status).toBe(201);
    // Rewrite its key as the code before NFC keys did: lower-cased only, here decomposed.
    const { db } = stack.stack;
    const item = {
      ...keys.unique(T, 'User', 'userName', legacy.toLowerCase()),
      entity: 'UniqueValue',
      tenantId: T,
      resourceType: 'User',
      attribute: 'userName',
      value: legacy.toLowerCase(),
      ownerId: created.json.id,
    };
    await db.client.send(
      new DeleteCommand({ TableName: db.table, Key: keys.unique(T, 'User', 'userName', legacy.toLowerCase().normalize('NFC')) }),
    );
    await db.client.send(new PutCommand({ TableName: db.table, Item: item }));
    const found = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "ren\u00e9@example.com"`)}`);
    expect(found.json.Resources.map((u: Json) => u.id)).toEqual([created.json.id]);
  });
});

describe('property: concurrent group writes end as some serial order of the acknowledged ones', () => {
  const NAMES = ['A', 'B', 'C'];
  type Op =
    | { kind: 'add' | 'remove' | 'replace'; users: number[]; pinned: boolean }
    | { kind: 'put'; name: number; users: number[]; pinned: boolean }
    | { kind: 'rename'; name: number; pinned: boolean };
  interface State {
    displayName: string;
    members: Set<number>;
  }

  const users = fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const, 'replace' as const), users, pinned: fc.boolean() }),
    fc.record({ kind: fc.constant('put' as const), name: fc.integer({ min: 0, max: 2 }), users, pinned: fc.boolean() }),
    fc.record({ kind: fc.constant('rename' as const), name: fc.integer({ min: 0, max: 2 }), pinned: fc.boolean() }),
  );

  /** Names are unique per run: displayName is unique in the tenant. */
  const nameOf = (run: number, name: number) => `${NAMES[name]}-${run}`;
  const apply =
    (run: number) =>
    (state: State, o: Op): State => {
      const members = new Set(state.members);
      switch (o.kind) {
        case 'add':
          o.users.forEach((u) => members.add(u));
          return { ...state, members };
        case 'remove':
          o.users.forEach((u) => members.delete(u));
          return { ...state, members };
        case 'replace':
          return { ...state, members: new Set(o.users) };
        case 'put':
          return { displayName: nameOf(run, o.name), members: new Set(o.users) };
        case 'rename':
          return { ...state, displayName: nameOf(run, o.name) };
      }
    };

  function* permutations<T>(items: readonly T[]): Generator<T[]> {
    if (items.length <= 1) {
      yield [...items];
      return;
    }
    for (const [i, item] of items.entries()) {
      for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [item, ...rest];
    }
  }

  it('holds for random concurrent PATCH add/remove/replace, PUT and renames, with and without If-Match', async () => {
    const ids = await createUsers(4);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 2, maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        async (ops, initial) => {
          run += 1;
          const displayName = `Prop ${run} ${Math.random()}`;
          const created = await call('POST', '/Groups', {
            schemas: [GROUP],
            displayName,
            members: refs(initial.map((u) => ids[u] as string)),
          });
          expect(created.status).toBe(201);
          const id = created.json.id as string;
          const etag = created.headers.get('etag') as string;
          const named = (o: { name: number }) => nameOf(run, o.name);
          const send = (o: Op) => {
            const headers: Record<string, string> = o.pinned ? { 'If-Match': etag } : {};
            const members = 'users' in o ? refs(o.users.map((u) => ids[u] as string)) : [];
            switch (o.kind) {
              case 'put':
                return withHeaders('PUT', `/Groups/${id}`, { schemas: [GROUP], displayName: named(o), members }, headers);
              case 'rename':
                return withHeaders('PATCH', `/Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: named(o) }), headers);
              default:
                return withHeaders('PATCH', `/Groups/${id}`, patch({ op: o.kind, path: 'members', value: members }), headers);
            }
          };
          const responses = await Promise.all(ops.map(send));
          for (const r of responses) expect([200, 204, 412]).toContain(r.status);
          const acked = ops.filter((_, i) => (responses[i]?.status ?? 0) < 300);
          const final = await groupState(id);
          const seen = {
            displayName: final.displayName,
            members: final.members
              .map((m) => ids.indexOf(m))
              .sort()
              .join(','),
          };
          const start: State = { displayName, members: new Set(initial) };
          const reachable = [...permutations(acked)].some((order) => {
            const end = order.reduce(apply(run), start);
            return end.displayName === seen.displayName && [...end.members].sort().join(',') === seen.members;
          });
          expect({ ops, statuses: responses.map((r) => r.status), seen, reachable }).toMatchObject({ reachable: true });
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
