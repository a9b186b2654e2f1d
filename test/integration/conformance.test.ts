/**
 * Conformance gaps found by Entra/RFC corpora and third-party suites, each over HTTP: what a client
 * sends, what it gets back. Dialect-specific answers are checked against a `strict` tenant too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ tenants: ['conf', { tenantId: 'conf-strict', settings: { requiredAttributes: {}, dialect: 'strict' } }] });
});
afterAll(async () => stack.stop());

const call = jsonCaller(() => stack, 'conf');

describe('a method a route does not serve is 405 with Allow, whatever the body', () => {
  it.each([
    ['POST', '/Schemas', 'test'],
    ['PUT', '/ServiceProviderConfig', '{not json'],
    ['PATCH', '/Users', ''],
    ['POST', '/ResourceTypes/User', { schemas: [USER] }],
  ])('%s %s with body %j', async (method, path, body) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBeTruthy();
    expect(response.json).toMatchObject({ status: '405' });
  });

  it('a served method with that body is still 400 invalidSyntax', async () => {
    const response = await call('POST', '/Users', 'test');
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ scimType: 'invalidSyntax' });
  });
});

describe('/Users/ and /Groups/ with a trailing slash are the collections', () => {
  it('creates, lists and filters through /Users/', async () => {
    const created = await call('POST', '/Users/', { schemas: [USER], userName: 'slash@example.com' });
    expect(created.status).toBe(201);
    const listed = await call('GET', `/Users/?filter=${encodeURIComponent('userName eq "slash@example.com"')}`);
    expect(listed.status).toBe(200);
    expect(listed.json.totalResults).toBe(1);
    const one = await call('GET', `/Users/${created.json.id as string}/`);
    expect(one.status).toBe(200);
    expect((one.json as Json).userName).toBe('slash@example.com');
  });

  it('creates and lists through /Groups/', async () => {
    const created = await call('POST', '/Groups/', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Slashers' });
    expect(created.status).toBe(201);
    const listed = await call('GET', '/Groups/?excludedAttributes=members');
    expect(listed.status).toBe(200);
    expect((listed.json.Resources as Json[]).map((g) => g.displayName)).toContain('Slashers');
  });
});

describe('sortBy with sortOrder=descending puts resources without a value first (RFC 7644 §3.4.2.3)', () => {
  it('orders by title both ways', async () => {
    for (const [userName, title] of [
      ['sort-a@example.com', 'Alpha'],
      ['sort-b@example.com', undefined],
      ['sort-c@example.com', 'Gamma'],
    ] as const) {
      expect((await call('POST', '/Users', { schemas: [USER], userName, ...(title ? { title } : {}) })).status).toBe(201);
    }
    const names = async (order: string) => {
      const filter = encodeURIComponent('userName sw "sort-"');
      const listed = await call('GET', `/Users?filter=${filter}&sortBy=title&sortOrder=${order}&attributes=userName`);
      return (listed.json.Resources as Json[]).map((u) => u.userName);
    };
    expect(await names('ascending')).toEqual(['sort-a@example.com', 'sort-c@example.com', 'sort-b@example.com']);
    expect(await names('descending')).toEqual(['sort-b@example.com', 'sort-c@example.com', 'sort-a@example.com']);
  });
});

const strictCall = jsonCaller(() => stack, 'conf-strict');
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe("Microsoft's tutorial, Example 2: nulls under names the schema lacks at the top level, a typo'd URN in schemas", () => {
  const example2 = (userName: string) => ({
    schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
    externalId: 'jyoung',
    userName,
    active: true,
    addresses: null,
    displayName: 'Joy Young',
    emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
    meta: { resourceType: 'User' },
    name: { familyName: 'Young', givenName: 'Joy' },
    phoneNumbers: null,
    preferredLanguage: null,
    title: null,
    department: null,
    manager: null,
  });

  it.each([
    ['tolerant', call],
    ['strict', strictCall],
  ] as const)('is 201 in the %s dialect: null means unassigned (RFC 7643 §2.5)', async (_dialect, send) => {
    const created = await send('POST', '/Users', example2(`jyoung.${_dialect}@testuser.com`));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ userName: `jyoung.${_dialect}@testuser.com`, displayName: 'Joy Young', schemas: [USER] });
    expect(created.json.department).toBeUndefined();
    expect(created.json[ENTERPRISE]).toBeUndefined();
  });

  it('an unknown name with a value is still 400 invalidValue naming it (nothing is silently dropped)', async () => {
    const refused = await call('POST', '/Users', { schemas: [USER], userName: 'shoe@example.com', shoeSize: 44 });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('shoeSize') });
  });
});

describe('bare-word filter values (externalId eq jyoung)', () => {
  it('are strings in the tolerant dialect', async () => {
    await call('POST', '/Users', { schemas: [USER], userName: 'bare@example.com', externalId: 'barejyoung' });
    const found = await call('GET', `/Users?filter=${encodeURIComponent('externalId eq barejyoung')}`);
    expect(found.status).toBe(200);
    expect(found.json.totalResults).toBe(1);
    const okta = await call('GET', `/Users?filter=${encodeURIComponent('userName eq bare@example.com')}`);
    expect(okta.json.totalResults).toBe(1);
  });

  it('are 400 invalidFilter in the strict dialect', async () => {
    const refused = await strictCall('GET', `/Users?filter=${encodeURIComponent('externalId eq jyoung')}`);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ scimType: 'invalidFilter' });
  });
});

describe('a replace whose value filter matches nothing', () => {
  const withEmail = (send: typeof call, userName: string) =>
    send('POST', '/Users', { schemas: [USER], userName, emails: [{ type: 'work', value: userName }] });
  const replaceNobody = {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'emails[value eq "nobody@example.com"].type', value: 'home' }],
  };

  it('is 400 noTarget in the strict dialect (RFC 7644 §3.5.2.3), and the user is unchanged', async () => {
    const id = (await withEmail(strictCall, 'notarget@example.com')).json.id as string;
    const refused = await strictCall('PATCH', `/Users/${id}`, replaceNobody);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ scimType: 'noTarget' });
    expect((await strictCall('GET', `/Users/${id}`)).json.emails).toEqual([{ type: 'work', value: 'notarget@example.com' }]);
  });

  it('creates the element in the tolerant dialect (Entra sends such paths for attributes not set yet)', async () => {
    const id = (await withEmail(call, 'creates@example.com')).json.id as string;
    const patched = await call('PATCH', `/Users/${id}`, replaceNobody);
    expect(patched.status).toBe(200);
    expect(patched.json.emails).toEqual(expect.arrayContaining([{ type: 'home', value: 'nobody@example.com' }]));
  });
});

describe('changing members.value (immutable, RFC 7643 §4.2) is 400 mutability', () => {
  it.each([
    ['replace', 'members.value'],
    ['replace', 'members[value eq "x"].value'],
    ['add', 'members.value'],
  ])('%s %s', async (op, path) => {
    const group = await call('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Immutable ${op} ${path}`,
    });
    const refused = await call('PATCH', `/Groups/${group.json.id as string}`, {
      schemas: [PATCH_OP],
      Operations: [{ op, path, value: 'someone-else' }],
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ scimType: 'mutability' });
  });
});

describe('attributes / excludedAttributes answer the same way everywhere', () => {
  let id: string;
  beforeAll(async () => {
    id = (
      await call('POST', '/Users', {
        schemas: [USER],
        userName: 'proj@example.com',
        emails: [{ type: 'work', value: 'proj@example.com' }],
        title: 'Dr',
      })
    ).json.id as string;
  });

  it('a value filter (attributes=emails[type eq "work"]) is 400 invalidValue saying to name the attribute', async () => {
    for (const path of [`/Users/${id}`, '/Users']) {
      const refused = await call('GET', `${path}?attributes=${encodeURIComponent('emails[type eq "work"]')}`);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('"emails"') });
      const excluded = await call('GET', `${path}?excludedAttributes=${encodeURIComponent('emails[type eq "work"]')}`);
      expect(excluded.status).toBe(400);
    }
  });

  it('a name no schema of the tenant defines is ignored (RFC 7644 §3.4.2.5), in attributes and excludedAttributes alike', async () => {
    const only = await call('GET', `/Users/${id}?attributes=shoeSize,title`);
    expect(only.status).toBe(200);
    expect(Object.keys(only.json).sort()).toEqual(['id', 'schemas', 'title']);
    const excluded = await call('GET', `/Users/${id}?excludedAttributes=shoeSize,title`);
    expect(excluded.status).toBe(200);
    expect(excluded.json.title).toBeUndefined();
    expect(excluded.json.userName).toBe('proj@example.com');
  });
});
