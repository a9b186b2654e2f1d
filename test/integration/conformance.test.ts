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
    for (const [userName, title] of [['sort-a@example.com', 'Alpha'], ['sort-b@example.com', undefined], ['sort-c@example.com', 'Gamma']] as const) {
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
