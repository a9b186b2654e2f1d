/**
 * Protocol details third-party clients trip on (issue #28, point 5), over HTTP on the local stack:
 * an extension URN in excludedAttributes, a value filter on a multi-valued simple attribute in PATCH
 * paths and filters, a `schemas` member inside an extension value (the python-scim client), and GET
 * on the token endpoint. The layers beneath are tested in test/unit/scim/protocol-details.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { PATCH_OP, USER } from '../support/urns';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

let stack: TestStack;
let id: string;
const call = jsonCaller(() => stack, 'acme');
const patch = (operations: Json[]) => call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });

beforeAll(async () => {
  stack = await startTestStack({
    tenants: [
      {
        tenantId: 'acme',
        settings: {
          schemaExtensions: [
            {
              id: ACME,
              resourceType: 'User',
              attributes: [
                { name: 'seats', type: 'integer' },
                { name: 'badges', multiValued: true },
              ],
            },
          ],
        },
      },
    ],
  });
  const created = await call('POST', '/Users', {
    schemas: [USER, ACME],
    userName: 'details@acme.example',
    [ACME]: { seats: 2, badges: ['gold', 'x'] },
  });
  expect(created.status).toBe(201);
  id = String(created.json.id);
});
afterAll(async () => stack.stop());

describe('excludedAttributes', () => {
  it('excludedAttributes=<extension URN> excludes the whole extension, on a read and on a list', async () => {
    const one = await call('GET', `/Users/${id}?excludedAttributes=${ACME}`);
    expect(one.status).toBe(200);
    expect(one.json[ACME]).toBeUndefined();
    expect(one.json.userName).toBe('details@acme.example');
    const list = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "details@acme.example"')}&excludedAttributes=${ACME}`);
    expect(list.json.Resources).toHaveLength(1);
    expect(list.json.Resources[0][ACME]).toBeUndefined();
    expect((await call('GET', `/Users/${id}`)).json[ACME]).toEqual({ seats: 2, badges: ['gold', 'x'] });
  });
});

describe('a value filter on a multi-valued simple attribute', () => {
  it('filter=badges[value eq "x"] finds the user, another value finds nobody', async () => {
    const found = await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:badges[value eq "x"]`)}`);
    expect(found.status).toBe(200);
    expect(found.json.Resources.map((r: Json) => r.id)).toEqual([id]);
    const none = await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:badges[value eq "silver"]`)}`);
    expect(none.json.totalResults).toBe(0);
  });

  it('PATCH remove with path badges[value eq "x"] removes that value only', async () => {
    const response = await patch([{ op: 'remove', path: `${ACME}:badges[value eq "x"]` }]);
    expect(response.status).toBe(200);
    expect(response.json[ACME].badges).toEqual(['gold']);
    await patch([{ op: 'add', path: `${ACME}:badges`, value: ['x'] }]);
  });
});

describe('a schemas member inside an extension value', () => {
  it.each(['add', 'replace'])(
    'PATCH %s with an extension-URN path whose value carries schemas naming that extension ignores it',
    async (op) => {
      const seats = op === 'add' ? 7 : 8;
      const response = await patch([{ op, path: ACME, value: { schemas: [ACME], seats } }]);
      expect(response.status).toBe(200);
      expect(response.json[ACME].seats).toBe(seats);
      expect(response.json[ACME].schemas).toBeUndefined();
    },
  );
});

describe('the token endpoint', () => {
  it('GET on the token endpoint is 405 with Allow: POST', async () => {
    const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/acme/oauth2/token`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
