/**
 * Filters no key can serve read the tenant's partition within a budget (SCIM_SCAN_BUDGET, set low
 * here): beyond it index paging answers 400 tooMany, cursor paging still answers in shorter pages,
 * and key-backed filters are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { USER } from '../support/urns';

process.env.SCIM_SCAN_BUDGET = '40';
const T = 'big';
let stack: TestStack;
const call = async (path: string) => {
  const response = await stack.request(T, 'GET', path);
  return { ...response, json: response.body as Json };
};

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T] });
  const created = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      stack.request(T, 'POST', '/Users', { schemas: [USER], userName: `u${i}@example.com`, title: i % 2 ? 'odd' : 'even' }),
    ),
  );
  expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
}, 120_000);
afterAll(async () => stack.stop());

describe('the scan budget', () => {
  it('answers 400 tooMany for an index-paged filter beyond it, naming the alternatives', async () => {
    const response = await call(`/Users?filter=${encodeURIComponent('title eq "odd"')}`);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ scimType: 'tooMany', detail: expect.stringContaining('cursor') });
  });

  it('still answers the same filter with cursor paging, in pages bounded by the budget', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page += 1) {
      const response = await call(`/Users?filter=${encodeURIComponent('title eq "odd"')}&count=100&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(200);
      seen.push(...(response.json.Resources as Json[]).map((u) => u.userName as string));
      if (!response.json.nextCursor) break;
      cursor = response.json.nextCursor as string;
    }
    expect(new Set(seen).size).toBe(30);
  });

  it('lists the members of a group larger than the budget, by cursor and by index', async () => {
    const all = (await call('/Users?count=100&attributes=id&cursor=')).json;
    let ids = (all.Resources as Json[]).map((u) => u.id as string);
    for (let cursor = all.nextCursor as string | undefined; cursor;) {
      const page = (await call(`/Users?count=100&attributes=id&cursor=${encodeURIComponent(cursor)}`)).json;
      ids = [...ids, ...(page.Resources as Json[]).map((u) => u.id as string)];
      cursor = page.nextCursor as string | undefined;
    }
    expect(ids).toHaveLength(60);
    const group = (
      await stack.request(T, 'POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Everyone',
        members: ids.map((value) => ({ value })),
      })
    ).body as Json;
    const filter = encodeURIComponent(`groups.value eq "${group.id}"`);
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page += 1) {
      const response = await call(`/Users?filter=${filter}&attributes=id&count=25&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(200);
      seen.push(...(response.json.Resources as Json[]).map((u) => u.id as string));
      if (!response.json.nextCursor) break;
      cursor = response.json.nextCursor as string;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    // 60 members in pages of 20: exactly three pages, the last without a nextCursor.
    const first = await call(`/Users?filter=${filter}&attributes=id&count=20&cursor=`);
    const second = await call(
      `/Users?filter=${filter}&attributes=id&count=20&cursor=${encodeURIComponent(first.json.nextCursor as string)}`,
    );
    const third = await call(
      `/Users?filter=${filter}&attributes=id&count=20&cursor=${encodeURIComponent(second.json.nextCursor as string)}`,
    );
    expect((third.json.Resources as Json[]).length).toBe(20);
    expect(third.json.nextCursor).toBeUndefined();
    const indexed = await call(`/Users?filter=${filter}&attributes=id&startIndex=51&count=25`);
    expect(indexed.json).toMatchObject({ totalResults: 60, itemsPerPage: 10 });
  });

  it('does not limit key-backed filters', async () => {
    const response = await call(`/Users?filter=${encodeURIComponent('userName eq "U7@example.com" and title eq "odd"')}`);
    expect(response.json.totalResults).toBe(1);
  });
});
