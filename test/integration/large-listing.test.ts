/**
 * Listing at any size (issue #28) over HTTP: a startIndex walk across more users than the scan budget
 * (lowered to 50 here) sees every user exactly once, with and without a filter no key serves, each
 * page continuing where the previous stopped (store/list-positions.ts); a far jump no page led to is
 * answered within the budget or `400 tooMany` saying how to page; cursors (RFC 9865) still work.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createResource } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { USER } from '../support/urns';

const T = 'big';
const USERS = 130;
const saved = process.env.SCIM_SCAN_BUDGET;
let stack: TestStack;

const call = async (path: string) => {
  const response = await stack.request(T, 'GET', path);
  return { ...response, json: response.body as Json };
};

/** Pages by startIndex as Okta's import does: 1, 1+count, … until a page comes back short. */
async function walk(count: number, filter?: string): Promise<{ names: string[]; totals: number[] }> {
  const names: string[] = [];
  const totals: number[] = [];
  for (let startIndex = 1; ;) {
    const query = `startIndex=${startIndex}&count=${count}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`;
    const page = await call(`/Users?${query}&attributes=userName`);
    expect({ query, status: page.status }).toEqual({ query, status: 200 });
    expect(page.json.startIndex).toBe(startIndex);
    const resources = page.json.Resources as Json[];
    names.push(...resources.map((r) => r.userName as string));
    totals.push(page.json.totalResults as number);
    if (resources.length < count || startIndex - 1 + resources.length >= page.json.totalResults) break;
    startIndex += resources.length;
  }
  return { names, totals };
}

beforeAll(async () => {
  process.env.SCIM_SCAN_BUDGET = '50';
  stack = await startTestStack({ tenants: [T] });
  // Created through the store (what POST /Users writes), in parallel batches.
  for (let i = 0; i < USERS; i += 26) {
    await Promise.all(
      Array.from({ length: Math.min(26, USERS - i) }, (_, k) => {
        const n = i + k;
        return createResource(
          stack.stack.db,
          T,
          'User',
          {
            schemas: [USER],
            id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            userName: `walker${n}@big.example`,
            title: n % 2 ? 'odd' : 'even',
          },
          standardRegistry,
        );
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  if (saved === undefined) delete process.env.SCIM_SCAN_BUDGET;
  else process.env.SCIM_SCAN_BUDGET = saved;
  await stack.stop();
});

describe('a startIndex walk across more users than the scan budget', () => {
  it('sees every user exactly once, with the exact totalResults on every page', async () => {
    const { names, totals } = await walk(20);
    expect(names).toHaveLength(USERS);
    expect(new Set(names).size).toBe(USERS);
    expect(new Set(totals)).toEqual(new Set([USERS]));
  });

  it('with a filter no key serves, sees every matching user exactly once', async () => {
    const { names, totals } = await walk(10, 'title eq "odd"');
    expect(names).toHaveLength(USERS / 2);
    expect(new Set(names).size).toBe(USERS / 2);
    expect(names.every((name) => Number(/walker(\d+)@/.exec(name)?.[1]) % 2 === 1)).toBe(true);
    // The last page knows the exact total.
    expect(totals.at(-1)).toBe(USERS / 2);
  });

  it('sees a user created during the walk after its position, and never one twice', async () => {
    const first = await call('/Users?startIndex=1&count=30&attributes=userName');
    await createResource(
      stack.stack.db,
      T,
      'User',
      {
        schemas: [USER],
        id: 'ffffffff-0000-4000-8000-000000000000',
        userName: 'late@big.example',
      },
      standardRegistry,
    );
    const names = (first.json.Resources as Json[]).map((r) => r.userName as string);
    for (let startIndex = 31; ; startIndex += 30) {
      const page = await call(`/Users?startIndex=${startIndex}&count=30&attributes=userName`);
      expect(page.status).toBe(200);
      names.push(...(page.json.Resources as Json[]).map((r) => r.userName as string));
      if ((page.json.Resources as Json[]).length < 30) break;
    }
    expect(names).toContain('late@big.example');
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(USERS + 1);
  });
});

describe('a jump no page led to', () => {
  it('is served when it fits in the scan budget, the same page the walk gives', async () => {
    const jumped = await call('/Users?startIndex=21&count=20&attributes=userName&filter=' + encodeURIComponent('userName sw "walker"'));
    expect(jumped.status).toBe(200);
    const byWalk = await walk(20, 'userName sw "walker"');
    expect((jumped.json.Resources as Json[]).map((r) => r.userName)).toEqual(byWalk.names.slice(20, 40));
  });

  it('far ahead is 400 tooMany, saying how to page instead', async () => {
    const far = await call('/Users?startIndex=101&count=20&filter=' + encodeURIComponent('title eq "even"'));
    expect(far.status).toBe(400);
    expect(far.json).toMatchObject({ scimType: 'tooMany', detail: expect.stringContaining('startIndex=101 does not follow a page') });
    expect(far.json.detail).toContain('cursor=');
  });
});

describe('cursor pagination (RFC 9865)', () => {
  it('still walks every user once', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 20; page += 1) {
      const response = await call(`/Users?count=25&attributes=userName&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(200);
      seen.push(...(response.json.Resources as Json[]).map((u) => u.userName as string));
      if (!response.json.nextCursor) break;
      cursor = response.json.nextCursor as string;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(USERS);
  });
});
