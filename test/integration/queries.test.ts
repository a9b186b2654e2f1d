/**
 * RFC 7644 query and update semantics over real HTTP: every filter operator, index and cursor
 * pagination (RFC 9865), sorting, projection on reads and writes, PUT/PATCH rules, ETags, .search.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { ENTERPRISE, GROUP, PATCH_OP, SEARCH, USER } from '../support/urns';

const T = 'acme';
const OTHER = 'contoso';
const PEOPLE = 150;

let stack: TestStack;
const call = async (method: string, path: string, body?: unknown, tenant = T, headers?: Record<string, string>) => {
  const response = await stack.request(tenant, method, path, body, headers);
  return { ...response, json: response.body as Json };
};
const q = (filter: string) => encodeURIComponent(filter);
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

const person = (i: number): Json => ({
  schemas: [USER, ENTERPRISE],
  userName: `person${String(i).padStart(3, '0')}@example.com`,
  externalId: `P-${i}`,
  displayName: `Person ${i}`,
  title: i % 3 === 0 ? 'Engineer' : 'Manager',
  active: i % 10 !== 0,
  emails: [{ type: 'work', value: `person${i}@example.com`, primary: true }],
  [ENTERPRISE]: { employeeNumber: String(1000 + i), department: i % 2 ? 'Odd' : 'Even' },
});

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T, OTHER] });
  for (let i = 0; i < PEOPLE; i += 50) {
    const created = await Promise.all(Array.from({ length: 50 }, (_, k) => call('POST', '/Users', person(i + k))));
    // A seed that did not land would show up as a wrong count far from its cause.
    expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
  }
}, 120_000);
afterAll(async () => {
  await stack.stop();
});

async function total(filter: string): Promise<number> {
  const response = await call('GET', `/Users?filter=${q(filter)}&count=0`);
  expect(response.status).toBe(200);
  return response.json.totalResults as number;
}

describe('filters', () => {
  it.each([
    ['title eq "Engineer"', 50],
    ['title ne "Engineer"', 100],
    ['displayName co "son 1"', 61], // Person 1, 10-19, 100-149
    ['userName sw "PERSON00"', 10],
    ['userName ew "9@example.com"', 15],
    ['active eq false', 15],
    ['title eq "Engineer" and active eq true', 45],
    ['title eq "Engineer" or active eq false', 60],
    ['not (title eq "Engineer")', 100],
    [`${ENTERPRISE}:employeeNumber ge "1140"`, 10],
    [`${ENTERPRISE}:department eq "odd" and ${ENTERPRISE}:employeeNumber lt "1010"`, 5],
    ['emails[type eq "work" and value co "person14"]', 11],
    ['nickName pr', 0],
    ['title pr', PEOPLE],
    ['meta.created gt "2020-01-01T00:00:00Z"', PEOPLE],
    ['userName eq "person007@EXAMPLE.com"', 1],
    ['externalId eq "p-7"', 0],
    ['externalId eq "P-7"', 1],
  ])('%s → %i', async (filter, expected) => {
    expect(await total(filter)).toBe(expected);
  });

  it('answers 400 invalidFilter with a useful detail, never an empty result', async () => {
    for (const [filter, detail] of [
      ['shoeSize eq 42', 'shoeSize'],
      ['userName eq', 'value'],
      ['userName eq "a" and', 'attribute name'],
    ] as const) {
      const response = await call('GET', `/Users?filter=${q(filter)}`);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ scimType: 'invalidFilter', detail: expect.stringContaining(detail) });
    }
  });
});

describe('index pagination', () => {
  it('serves a default page of 100 and honours a count of at least 100', async () => {
    const first = await call('GET', '/Users');
    expect(first.json).toMatchObject({ totalResults: PEOPLE, itemsPerPage: 100, startIndex: 1 });
    const bigger = await call('GET', '/Users?count=120');
    expect(bigger.json.Resources).toHaveLength(120);
  });

  it('treats startIndex < 1 as 1, count 0 as totals only and a negative count as 0', async () => {
    expect((await call('GET', '/Users?startIndex=0&count=2')).json).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    const totals = await call('GET', '/Users?count=0');
    expect(totals.json).toMatchObject({ totalResults: PEOPLE, itemsPerPage: 0 });
    expect(totals.json.Resources ?? []).toHaveLength(0);
    expect((await call('GET', '/Users?count=-5')).json).toMatchObject({ totalResults: PEOPLE, itemsPerPage: 0 });
  });

  it('rejects a non-numeric startIndex or count with 400', async () => {
    expect((await call('GET', '/Users?count=ten')).status).toBe(400);
    expect((await call('GET', '/Users?startIndex=x')).status).toBe(400);
  });

  it('pages without overlap or gap', async () => {
    const ids: string[] = [];
    for (let start = 1; start <= PEOPLE; start += 40) {
      const page = await call('GET', `/Users?startIndex=${start}&count=40&attributes=id`);
      ids.push(...(page.json.Resources as Json[]).map((u) => u.id as string));
    }
    expect(new Set(ids).size).toBe(PEOPLE);
  });
});

describe('cursor pagination (RFC 9865)', () => {
  it('is advertised in ServiceProviderConfig', async () => {
    const config = await call('GET', '/ServiceProviderConfig');
    expect(config.json.pagination).toMatchObject({ cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100 });
    expect(config.json.pagination.maxPageSize).toBeGreaterThanOrEqual(100);
    expect(config.json.pagination.cursorTimeout).toBeGreaterThan(0);
  });

  async function walk(path: string, count: number, tenant = T): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const separator = path.includes('?') ? '&' : '?';
      const page = await call(
        'GET',
        `${path}${separator}count=${count}&attributes=id&cursor=${encodeURIComponent(cursor)}`,
        undefined,
        tenant,
      );
      expect(page.status).toBe(200);
      pages += 1;
      ids.push(...((page.json.Resources ?? []) as Json[]).map((u) => u.id as string));
      if (!page.json.nextCursor) break;
      cursor = page.json.nextCursor as string;
      if (pages > 100) throw new Error('cursor walk does not end');
    }
    return { ids, pages };
  }

  it('walks every user exactly once, with nextCursor on every page but the last', async () => {
    const { ids, pages } = await walk('/Users', 40);
    expect(ids).toHaveLength(PEOPLE);
    expect(new Set(ids).size).toBe(PEOPLE);
    expect(pages).toBe(4);
  });

  it('walks a filtered query', async () => {
    const { ids } = await walk(`/Users?filter=${q('title eq "Engineer"')}`, 7);
    expect(new Set(ids).size).toBe(50);
  });

  it('returns every user that existed throughout exactly once while others are created and deleted', async () => {
    const before = await walk('/Users', 1000);
    const stable = new Set(before.ids);
    const churn = (async () => {
      for (let i = 0; i < 30; i += 1) {
        const created = await call('POST', '/Users', { schemas: [USER], userName: `churn-${i}@example.com` });
        if (i % 2 === 0) await call('DELETE', `/Users/${created.json.id}`);
      }
    })();
    const during = await walk('/Users', 13);
    await churn;
    const seen = during.ids.filter((id) => stable.has(id));
    expect(seen).toHaveLength(stable.size);
    expect(new Set(during.ids).size).toBe(during.ids.length);
  });

  it('rejects a forged, foreign-tenant or other-query cursor with 400 invalidCursor', async () => {
    const first = await call('GET', '/Users?count=10&cursor=');
    const cursor = first.json.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const forged = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'BB' : 'AA'}`;
    for (const [path, tenant] of [
      [`/Users?count=10&cursor=${encodeURIComponent(forged)}`, T],
      [`/Users?count=10&cursor=${encodeURIComponent(cursor)}`, OTHER],
      [`/Users?count=10&filter=${q('title pr')}&cursor=${encodeURIComponent(cursor)}`, T],
      [`/Groups?count=10&cursor=${encodeURIComponent(cursor)}`, T],
    ] as const) {
      const response = await call('GET', path, undefined, tenant);
      expect(response.status).toBe(400);
      expect(response.json.scimType).toBe('invalidCursor');
    }
  });

  it('rejects a count it will not honour with 400 invalidCount', async () => {
    const response = await call('GET', '/Users?count=100000&cursor=');
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidCount' });
  });

  it('takes the cursor in a POST .search body', async () => {
    const first = await call('POST', '/Users/.search', { schemas: [SEARCH], count: 100, cursor: '', attributes: ['id'] });
    expect(first.status).toBe(200);
    const second = await call('POST', '/Users/.search', {
      schemas: [SEARCH],
      count: 100,
      cursor: first.json.nextCursor,
      attributes: ['id'],
    });
    const ids = [...(first.json.Resources as Json[]), ...(second.json.Resources as Json[])].map((u) => u.id);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(PEOPLE);
  });
});

describe('sorting', () => {
  it('sorts by any attribute, ascending or descending', async () => {
    const ascending = await call('GET', `/Users?filter=${q('userName sw "person00"')}&sortBy=userName&attributes=userName`);
    const names = (ascending.json.Resources as Json[]).map((u) => u.userName as string);
    expect(names).toEqual([...names].sort());
    const descending = await call(
      'GET',
      `/Users?filter=${q('userName sw "person00"')}&sortBy=${q(`${ENTERPRISE}:employeeNumber`)}&sortOrder=descending&attributes=userName`,
    );
    expect((descending.json.Resources as Json[])[0]?.userName).toBe('person009@example.com');
  });

  it('is advertised', async () => {
    expect((await call('GET', '/ServiceProviderConfig')).json.sort).toEqual({ supported: true });
  });
});

describe('projection on writes and reads', () => {
  it('applies attributes on POST, PUT and PATCH responses and never returns password', async () => {
    const created = await call('POST', '/Users?attributes=userName', {
      schemas: [USER],
      userName: 'proj@example.com',
      password: 'Secret1!',
      title: 'T',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ schemas: [USER], id: expect.any(String), userName: 'proj@example.com' });
    const id = created.json.id as string;
    const put = await call('PUT', `/Users/${id}?excludedAttributes=meta,title`, {
      schemas: [USER],
      userName: 'proj@example.com',
      title: 'U',
      nickName: 'N',
    });
    expect(put.json).toEqual({ schemas: [USER], id, userName: 'proj@example.com', nickName: 'N' });
    const patched = await call('PATCH', `/Users/${id}?attributes=nickName`, patch({ op: 'replace', path: 'nickName', value: 'M' }));
    expect(patched.json).toEqual({ schemas: [USER], id, nickName: 'M' });
    const read = await call('GET', `/Users/${id}`);
    expect(read.json.password).toBeUndefined();
    expect(JSON.stringify(read.json)).not.toContain('Secret1!');
  });
});

describe('PUT and PATCH rules', () => {
  let id: string;
  beforeAll(async () => {
    const created = await call('POST', '/Users', {
      schemas: [USER],
      userName: 'rules@example.com',
      title: 'T',
      emails: [
        { value: 'a@x', type: 'work', primary: true },
        { value: 'b@x', type: 'home' },
      ],
    });
    id = created.json.id as string;
  });

  it('PUT clears omitted attributes and ignores readOnly ones', async () => {
    const put = await call('PUT', `/Users/${id}`, {
      schemas: [USER],
      id: 'ignored',
      userName: 'rules@example.com',
      groups: [{ value: 'g' }],
      emails: [{ value: 'a@x' }],
    });
    expect(put.status).toBe(200);
    expect(put.json.title).toBeUndefined();
    expect(put.json.id).toBe(id);
    expect(put.json.groups).toBeUndefined();
  });

  it('makes primary exclusive: setting one clears the others', async () => {
    await call(
      'PATCH',
      `/Users/${id}`,
      patch({
        op: 'add',
        path: 'emails',
        value: [
          { value: 'b@x', type: 'home', primary: true },
          { value: 'c@x', type: 'other', primary: true },
        ],
      }),
    );
    const read = await call('GET', `/Users/${id}`);
    const primaries = (read.json.emails as Json[]).filter((e) => e.primary === true);
    expect(primaries).toEqual([expect.objectContaining({ value: 'c@x' })]);
  });

  it.each([
    [{ op: 'remove' }, 'noTarget'],
    [{ op: 'frobnicate', path: 'title', value: 'x' }, 'invalidValue'],
    [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }, 'mutability'],
    [{ op: 'replace', path: 'id', value: 'other' }, 'mutability'],
    [{ op: 'replace', path: 'emails[type eq', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'emails[type xx "work"].value', value: 'x' }, 'invalidFilter'],
  ])('answers %j with 400 %s and changes nothing', async (operation, scimType) => {
    const before = await call('GET', `/Users/${id}`);
    const response = await call('PATCH', `/Users/${id}`, patch(operation));
    expect(response.status).toBe(400);
    expect(response.json.scimType).toBe(scimType);
    expect((await call('GET', `/Users/${id}`)).json).toEqual(before.json);
  });
});

describe('ETags', () => {
  it('answers 304 to a current If-None-Match and 412 to a stale If-Match', async () => {
    const created = await call('POST', '/Users', { schemas: [USER], userName: 'etag@example.com' });
    const etag = created.headers.get('etag') as string;
    expect(etag).toBe('W/"1"');
    const unchanged = await call('GET', `/Users/${created.json.id}`, undefined, T, { 'If-None-Match': etag });
    expect(unchanged.status).toBe(304);
    await call('PATCH', `/Users/${created.json.id}`, patch({ op: 'replace', path: 'title', value: 'x' }));
    const stale = await call('PATCH', `/Users/${created.json.id}`, patch({ op: 'replace', path: 'title', value: 'y' }), T, {
      'If-Match': etag,
    });
    expect(stale.status).toBe(412);
    const fresh = await call('PATCH', `/Users/${created.json.id}`, patch({ op: 'replace', path: 'title', value: 'y' }), T, {
      'If-Match': 'W/"2"',
    });
    expect(fresh.status).toBe(200);
  });
});

describe('POST /.search across resource types', () => {
  it('searches Users and Groups in one request', async () => {
    await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Searchers' });
    const response = await call('POST', '/.search', {
      schemas: [SEARCH],
      filter: 'displayName sw "Searchers" or displayName eq "Person 7"',
      attributes: ['displayName'],
    });
    expect(response.status).toBe(200);
    const names = (response.json.Resources as Json[]).map((r) => r.displayName).sort();
    expect(names).toEqual(['Person 7', 'Searchers']);
  });

  it('searches Groups with /Groups/.search', async () => {
    const response = await call('POST', '/Groups/.search', {
      schemas: [SEARCH],
      filter: 'displayName eq "searchers"',
      excludedAttributes: ['members'],
    });
    expect(response.json.totalResults).toBe(1);
  });
});
