/** POST /Bulk (RFC 7644 §3.7) over HTTP, and the 405 answer to methods a route does not serve. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { BULK, GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'acme';

let stack: TestStack;
const call = async (method: string, path: string, body?: unknown) => {
  const response = await stack.request(T, method, path, body);
  return { ...response, json: response.body as Json };
};
const bulk = (Operations: Json[], extra: Json = {}) => call('POST', '/Bulk', { schemas: [BULK], Operations, ...extra });

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T] });
});
afterAll(async () => stack.stop());

describe('POST /Bulk', () => {
  it('creates a user and a group holding it in one request, whatever the order (bulkId references)', async () => {
    const response = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP], displayName: 'Bulk team', members: [{ value: 'bulkId:u' }] } },
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
      { method: 'PATCH', path: `/Users/${created.id}`, data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Bulked' }] } },
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
    const response = await bulk([{ method: 'POST', path: '/Groups', bulkId: 'g2', data: { schemas: [GROUP], displayName: 'Dangling', members: [{ value: 'bulkId:nobody' }] } }]);
    expect((response.json.Operations as Json[])[0]).toMatchObject({ status: '409' });
  });

  it('advertises and enforces maxOperations and maxPayloadSize', async () => {
    const config = (await call('GET', '/ServiceProviderConfig')).json;
    expect(config.bulk).toMatchObject({ supported: true, maxOperations: 1000, maxPayloadSize: 1048576 });
    const tooMany = await bulk(Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` })));
    expect(tooMany.status).toBe(413);
    const tooBig = await bulk([{ method: 'POST', path: '/Users', bulkId: 'big', data: { schemas: [USER], userName: 'big@example.com', title: 'x'.repeat(1_100_000) } }]);
    expect(tooBig.status).toBe(413);
  });

  it('refuses a malformed bulk request with 400', async () => {
    expect((await call('POST', '/Bulk', { Operations: [] })).status).toBe(400);
    expect((await bulk([{ method: 'GET', path: '/Users' }])).status).toBe(400);
  });
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
