/** POST /Bulk (RFC 7644 §3.7) over HTTP, and the 405 answer to methods a route does not serve. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { BULK, GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'acme';
/** Tenants for the serial-equivalence property: one processes bulk requests one operation at a time. */
const SERIAL = 'serial';
const PARALLEL = 'parallel';

let stack: TestStack;
const call = async (method: string, path: string, body?: unknown) => {
  const response = await stack.request(T, method, path, body);
  return { ...response, json: response.body as Json };
};
const bulk = (Operations: Json[], extra: Json = {}) => call('POST', '/Bulk', { schemas: [BULK], Operations, ...extra });

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T, SERIAL, PARALLEL] });
});
afterAll(async () => stack.stop());

describe('POST /Bulk', () => {
  it('creates a user and a group holding it in one request, whatever the order (bulkId references)', async () => {
    const response = await bulk([
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'g',
        data: { schemas: [GROUP], displayName: 'Bulk team', members: [{ value: 'bulkId:u' }] },
      },
      { method: 'POST', path: '/Users', bulkId: 'u', data: { schemas: [USER], userName: 'bulk@example.com' } },
    ]);
    expect(response.status).toBe(200);
    const [group, user] = response.json.Operations as Json[];
    expect(user).toMatchObject({ method: 'POST', bulkId: 'u', status: '201', location: expect.stringContaining('/Users/') });
    expect(group).toMatchObject({ method: 'POST', bulkId: 'g', status: '201' });
    const userId = String(user?.location).split('/').pop();
    const read = await call('GET', String(group?.location).replace(/^.*\/scim\/v2/, ''));
    expect((read.json.members as Json[]).map((m) => m.value)).toEqual([userId]);
  });

  it('runs PUT, PATCH and DELETE operations and reports each status', async () => {
    const created = (await call('POST', '/Users', { schemas: [USER], userName: 'ops@example.com' })).json;
    const response = await bulk([
      {
        method: 'PATCH',
        path: `/Users/${created.id}`,
        data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Bulked' }] },
      },
      { method: 'PUT', path: `/Users/${created.id}`, data: { schemas: [USER], userName: 'ops@example.com', nickName: 'Put' } },
      { method: 'DELETE', path: `/Users/${created.id}` },
      { method: 'DELETE', path: '/Users/no-such-user' },
    ]);
    expect((response.json.Operations as Json[]).map((o) => o.status)).toEqual(['200', '200', '204', '404']);
    expect((await call('GET', `/Users/${created.id}`)).status).toBe(404);
  });

  it('stops after failOnErrors failures', async () => {
    const response = await bulk(
      [
        { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER] } },
        { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER] } },
        { method: 'POST', path: '/Users', bulkId: 'c', data: { schemas: [USER], userName: 'never@example.com' } },
      ],
      { failOnErrors: 2 },
    );
    expect((response.json.Operations as Json[]).map((o) => o.status)).toEqual(['400', '400']);
    expect((await call('GET', `/Users?filter=${encodeURIComponent('userName eq "never@example.com"')}`)).json.totalResults).toBe(0);
  });

  it('answers 409 for a reference no operation creates', async () => {
    const response = await bulk([
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'g2',
        data: { schemas: [GROUP], displayName: 'Dangling', members: [{ value: 'bulkId:nobody' }] },
      },
    ]);
    expect((response.json.Operations as Json[])[0]).toMatchObject({ status: '409' });
  });

  it('advertises and enforces maxOperations and maxPayloadSize', async () => {
    const config = (await call('GET', '/ServiceProviderConfig')).json;
    expect(config.bulk).toMatchObject({ supported: true, maxOperations: 1000, maxPayloadSize: 1048576 });
    const tooMany = await bulk(Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` })));
    expect(tooMany.status).toBe(413);
    const tooBig = await bulk([
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'big',
        data: { schemas: [USER], userName: 'big@example.com', title: 'x'.repeat(1_100_000) },
      },
    ]);
    expect(tooBig.status).toBe(413);
  });

  it('refuses a malformed bulk request with 400', async () => {
    expect((await call('POST', '/Bulk', { Operations: [] })).status).toBe(400);
    expect((await bulk([{ method: 'GET', path: '/Users' }])).status).toBe(400);
  });
});

describe('POST /Bulk runs independent operations side by side, with the serial outcome', () => {
  const statuses = (response: { json: Json }) => (response.json.Operations as Json[]).map((o) => o.status);
  const names = async (tenant: string): Promise<string[]> =>
    ((await stack.request(tenant, 'GET', '/Users?count=1000&attributes=userName')).body as Json).Resources.map((r: Json) =>
      String(r.userName),
    ).sort();

  it('answers 60 creates in request order, each with its own bulkId and location', async () => {
    const response = await bulk(
      Array.from({ length: 60 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `p${i}`,
        data: { schemas: [USER], userName: `par${i}@example.com` },
      })),
    );
    const operations = response.json.Operations as Json[];
    expect(operations.map((o) => o.bulkId)).toEqual(Array.from({ length: 60 }, (_, i) => `p${i}`));
    expect(new Set(operations.map((o) => o.location)).size).toBe(60);
    const read = await call('GET', String(operations[42]?.location).replace(/^.*\/scim\/v2/, ''));
    expect(read.json.userName).toBe('par42@example.com');
  });

  it('gives a userName to the first of two creates in request order, however they overlap', async () => {
    const filler = (k: number) =>
      Array.from({ length: 6 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `f${k}-${i}`,
        data: { schemas: [USER], userName: `fill${k}-${i}@example.com` },
      }));
    for (let round = 0; round < 3; round += 1) {
      const response = await bulk([
        ...filler(round * 2),
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'first',
          data: { schemas: [USER], userName: `twice${round}@example.com`, title: 'first' },
        },
        ...filler(round * 2 + 1),
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'second',
          data: { schemas: [USER], userName: `TWICE${round}@example.com`, title: 'second' },
        },
      ]);
      const byId = new Map((response.json.Operations as Json[]).map((o) => [o.bulkId, o]));
      expect(byId.get('first')?.status).toBe('201');
      expect(byId.get('second')?.status).toBe('409');
    }
  });

  it('answers 201 then 409 for two creates of one userName next to each other, pair after pair among 100 creates', async () => {
    const ops = Array.from({ length: 100 }, (_, k) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `d${k}`,
      // Pairs differ in case only: userName is caseExact false, so each pair is one name.
      data: {
        schemas: [USER],
        userName: k % 2 === 0 ? `dup${k >> 1}@example.com` : `DUP${k >> 1}@example.com`,
        title: k % 2 === 0 ? 'first' : 'second',
      },
    }));
    const response = await bulk(ops);
    const operations = response.json.Operations as Json[];
    expect(operations.map((o) => o.bulkId)).toEqual(ops.map((o) => o.bulkId));
    expect(statuses(response)).toEqual(ops.map((_, k) => (k % 2 === 0 ? '201' : '409')));
    expect(operations.filter((o) => o.status === '409').every((o) => (o.response as Json).scimType === 'uniqueness')).toBe(true);
    for (const pair of [0, 23, 49]) {
      const found = (await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "dup${pair}@example.com"`)}`)).json;
      expect(found.totalResults).toBe(1);
      expect((found.Resources as Json[])[0]?.title).toBe('first');
    }
    expect((await names(T)).filter((n) => n.toLowerCase().startsWith('dup'))).toHaveLength(50);
  });

  it('counts 409s of creates sharing a transaction toward failOnErrors, and stops where serial processing stops', async () => {
    for (const k of [5, 12]) expect((await call('POST', '/Users', { schemas: [USER], userName: `cap${k}@example.com` })).status).toBe(201);
    const ops = Array.from({ length: 40 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `c${i}`,
      data: { schemas: [USER], userName: `cap${i}@example.com` },
    }));
    const response = await bulk(ops, { failOnErrors: 2 });
    expect(statuses(response)).toEqual(Array.from({ length: 13 }, (_, i) => ([5, 12].includes(i) ? '409' : '201')));
    const created = (await names(T)).filter((n) => n.startsWith('cap'));
    // 11 from the bulk plus the 2 made beforehand; nothing after the second failure.
    expect(created).toHaveLength(13);
    expect(created).not.toContain('cap13@example.com');
  });

  it('resolves bulkId references to creates that come later in the request, for many operations at once', async () => {
    const n = 40;
    const ops = [
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'team',
        data: { schemas: [GROUP], displayName: 'Late team', members: Array.from({ length: n }, (_, i) => ({ value: `bulkId:late${i}` })) },
      },
      ...Array.from({ length: n }, (_, i) => ({
        method: 'PATCH',
        path: `/Users/bulkId:late${i}`,
        data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: `Late ${i}` }] },
      })),
      ...Array.from({ length: n }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `late${i}`,
        data: { schemas: [USER], userName: `late${i}@example.com` },
      })),
    ];
    const response = await bulk(ops);
    const operations = response.json.Operations as Json[];
    expect(statuses(response)).toEqual(['201', ...Array<string>(n).fill('200'), ...Array<string>(n).fill('201')]);
    const ids = operations.slice(1 + n).map((o) => String(o.location).split('/').pop());
    // Each PATCH went to the user its bulkId names.
    operations.slice(1, 1 + n).forEach((o, i) => expect(String(o.location).split('/').pop()).toBe(ids[i]));
    expect((await call('GET', `/Users/${ids[7]}`)).json.title).toBe('Late 7');
    const group = (await call('GET', String(operations[0]?.location).replace(/^.*\/scim\/v2/, ''))).json;
    expect((group.members as Json[]).map((m) => m.value).sort()).toEqual([...ids].sort());
  });

  it('answers 409 only for the creates whose userName is taken, when creates share transactions', async () => {
    for (const k of [3, 11, 12, 25])
      expect((await call('POST', '/Users', { schemas: [USER], userName: `taken${k}@example.com` })).status).toBe(201);
    const response = await bulk(
      Array.from({ length: 30 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `t${i}`,
        data: { schemas: [USER], userName: `taken${i}@example.com` },
      })),
    );
    expect(statuses(response)).toEqual(Array.from({ length: 30 }, (_, i) => ([3, 11, 12, 25].includes(i) ? '409' : '201')));
    const listed = (await names(T)).filter((n: string) => n.startsWith('taken'));
    expect(listed).toHaveLength(30);
  });

  it('frees a userName with a DELETE before a later create takes it', async () => {
    const existing = (await call('POST', '/Users', { schemas: [USER], userName: 'recycled@example.com' })).json;
    const response = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'x1', data: { schemas: [USER], userName: 'other1@example.com' } },
      { method: 'DELETE', path: `/Users/${existing.id}` },
      { method: 'POST', path: '/Users', bulkId: 'x2', data: { schemas: [USER], userName: 'recycled@example.com' } },
    ]);
    expect(statuses(response)).toEqual(['201', '204', '201']);
  });

  it('runs an operation after the running create it refers to, in the same pass', async () => {
    const response = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'dep', data: { schemas: [USER], userName: 'dep@example.com' } },
      {
        method: 'PATCH',
        path: '/Users/bulkId:dep',
        data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Patched' }] },
      },
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'depg',
        data: { schemas: [GROUP], displayName: 'Dep team', members: [{ value: 'bulkId:dep' }] },
      },
    ]);
    expect(statuses(response)).toEqual(['201', '200', '201']);
    const id = String((response.json.Operations as Json[])[0]?.location)
      .split('/')
      .pop();
    expect((await call('GET', `/Users/${id}`)).json.title).toBe('Patched');
  });

  it('stops at failOnErrors exactly where serial processing stops, with operations in flight', async () => {
    const ops = Array.from({ length: 30 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `e${i}`,
      // Failures (no userName) at 4, 9 and 17: with failOnErrors 3, operation 17 is the last one processed.
      data: [4, 9, 17].includes(i) ? { schemas: [USER] } : { schemas: [USER], userName: `foe${i}@example.com` },
    }));
    const response = await bulk(ops, { failOnErrors: 3 });
    const expected = Array.from({ length: 18 }, (_, i) => ([4, 9, 17].includes(i) ? '400' : '201'));
    expect(statuses(response)).toEqual(expected);
    const created = (await names(T)).filter((n: string) => n.startsWith('foe'));
    expect(created).toHaveLength(15);
    expect(created).not.toContain('foe18@example.com');
  });

  it('ends in the state and statuses serial processing gives, for random operation mixes', async () => {
    const userName = fc.constantFrom('a@x.example', 'A@x.example', 'b@x.example', 'c@x.example');
    const target = fc.integer({ min: 0, max: 5 }).map((k) => `bulkId:u${k}`);
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), userName: fc.option(userName, { nil: undefined }) }),
      fc.record({ kind: fc.constant('delete' as const), target }),
      fc.record({ kind: fc.constant('rename' as const), target, userName }),
      fc.record({ kind: fc.constant('replace' as const), target, userName }),
      fc.record({ kind: fc.constant('group' as const), target }),
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        async (mix, failOnErrors) => {
          round += 1;
          let users = 0;
          const Operations = mix.map((op, i) => {
            const name = (u: string) => `r${round}-${u}`;
            switch (op.kind) {
              case 'create':
                return {
                  method: 'POST',
                  path: '/Users',
                  bulkId: `u${users++}`,
                  data: { schemas: [USER], ...(op.userName ? { userName: name(op.userName) } : {}) },
                };
              case 'delete':
                return { method: 'DELETE', path: `/Users/${op.target}` };
              case 'rename':
                return {
                  method: 'PATCH',
                  path: `/Users/${op.target}`,
                  data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: name(op.userName) }] },
                };
              case 'replace':
                return { method: 'PUT', path: `/Users/${op.target}`, data: { schemas: [USER], userName: name(op.userName) } };
              case 'group':
                return {
                  method: 'POST',
                  path: '/Groups',
                  bulkId: `g${i}`,
                  data: { schemas: [GROUP], displayName: `r${round}-g${i}`, members: [{ value: op.target }] },
                };
            }
          });
          const body = { schemas: [BULK], Operations, ...(failOnErrors !== undefined ? { failOnErrors } : {}) };
          process.env.SCIM_BULK_CONCURRENCY = '1';
          const serial = await stack.request(SERIAL, 'POST', '/Bulk', body);
          delete process.env.SCIM_BULK_CONCURRENCY;
          const parallel = await stack.request(PARALLEL, 'POST', '/Bulk', body);
          const shape = (r: { body: unknown }) => ((r.body as Json).Operations as Json[]).map((o) => `${o.bulkId ?? '-'}:${o.status}`);
          expect(shape(parallel)).toEqual(shape(serial));
          const own = (list: string[]) => list.filter((n: string) => n.startsWith(`r${round}-`));
          expect(own(await names(PARALLEL))).toEqual(own(await names(SERIAL)));
        },
      ),
      { numRuns: 25 },
    );
    // 25 rounds of two Bulk requests and two listings: about 7 s on an idle machine, 4x that on a busy one.
  }, 180_000);
});

describe('methods a route does not serve', () => {
  it.each([
    ['DELETE', '/Users'],
    ['PUT', '/Groups'],
    ['GET', '/Bulk'],
    ['POST', '/ServiceProviderConfig'],
  ])('%s %s is 405 with Allow', async (method, path) => {
    const response = await call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBeTruthy();
    expect(response.headers.get('content-type')).toContain('application/scim+json');
  });
});
