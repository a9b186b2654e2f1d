/**
 * Deleting a tenant over HTTP removes all of it (issue #22): after `DELETE /admin/v1/tenants/acme`
 * the local server's purge loop (the same code as the AWS purge function) removes its tokens (revoked ones' tombstones too), OAuth
 * clients, federated credential, event stream and its SETs, users, groups, memberships, unique
 * values, list positions, activity and health items, then the tenant item. A scan of DynamoDB Local
 * finds nothing of it; `acme2` (whose id starts with `acme`) keeps every item; the id can be created
 * again, with a working fresh token, while every old credential stays refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminCaller } from '../support/admin-api';
import { startTestStack, type TestStack } from '../support/local-stack';
import { itemsOf, keyOf, kindOf, populateTenant, scanTable, type PopulatedTenant } from '../support/tenant-population';
import { tokenRequest } from '../support/token-request';

let stack: TestStack;
const admin = adminCaller(() => stack);
let acme: PopulatedTenant;
let acme2: PopulatedTenant;

beforeAll(async () => {
  stack = await startTestStack({ tenants: [] });
  acme = await populateTenant(stack, 'acme');
  acme2 = await populateTenant(stack, 'acme2');
  // A revoked token leaves a tombstone (its token item and listing, status revoked): the purge removes it too.
  const revoked = await admin('POST', '/tenants/acme/tokens');
  expect((await admin('DELETE', `/tenants/acme/tokens/${String(revoked.json.id)}`)).status).toBe(204);
}, 120_000);
afterAll(async () => {
  await stack.stop();
});

async function until404(tenantId: string, timeoutMs: number): Promise<string[]> {
  const phases: string[] = [];
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const read = await admin('GET', `/tenants/${tenantId}`);
    if (read.status === 404) return phases;
    if (typeof read.json.deletion?.phase === 'string') phases.push(read.json.deletion.phase as string);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tenant ${tenantId} still there after ${timeoutMs} ms`);
}

describe('DELETE /admin/v1/tenants/{id} and the purge', () => {
  it('leaves nothing of the tenant in the table, and every item of acme2', async () => {
    const before = await scanTable(stack.stack.db);
    // Every kind of item is there to be deleted (the test cannot pass on an empty tenant).
    expect([...new Set(itemsOf(before, 'acme').map(kindOf))].sort()).toEqual(
      expect.arrayContaining([
        'ACTIVITY:Activity',
        'EVENTS:EventSet',
        'EVENT_STREAMS:EventStream',
        'FEDERATION:FederatedCredential',
        'FEDERATION:FederatedCredentialId',
        'HEALTH:HealthHour',
        'OAUTH_CLIENTS:OAuthClient',
        'OAUTH_RATE:TokenRequestWindow',
        'TENANT:ListPosition',
        'TENANT:Group',
        'TENANT:Membership',
        'TENANT:UniqueValue',
        'TENANT:User',
        'TENANTS:Tenant',
        'TOKEN:Token',
        'TOKENS:TenantToken',
      ]),
    );
    const tombstones = itemsOf(before, 'acme').filter((item) => item.status === 'revoked');
    expect(tombstones.map(kindOf).sort()).toEqual(['TOKEN:Token', 'TOKENS:TenantToken']);
    const acme2Keys = itemsOf(before, 'acme2').map(keyOf).sort();
    expect(acme2Keys.length).toBeGreaterThan(20);

    const deleted = await admin('DELETE', '/tenants/acme');
    expect(deleted.status).toBe(202);
    expect(deleted.json).toMatchObject({ id: 'acme', status: 'deleting' });
    await until404('acme', 60_000);
    await stack.stack.drainStreams();

    const after = await scanTable(stack.stack.db);
    expect(itemsOf(after, 'acme').map(keyOf)).toEqual([]);
    expect(itemsOf(after, 'acme2').map(keyOf).sort()).toEqual(acme2Keys);
    // acme2 still works.
    const users = await stack.request('acme2', 'GET', '/Users', undefined, { authorization: `Bearer ${acme2.token}` });
    expect(users.status).toBe(200);
    expect(users.body).toMatchObject({ totalResults: acme2.userIds.length + 1 });
  }, 90_000);

  it('frees the id: created again it is empty and serves a fresh token; every old credential stays refused', async () => {
    expect((await admin('GET', '/tenants/acme')).status).toBe(404);
    expect((await admin('POST', '/tenants', { id: 'acme', displayName: 'Acme again' })).status).toBe(201);
    const fresh = await admin('POST', '/tenants/acme/tokens');
    expect(fresh.status).toBe(201);
    const users = await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${String(fresh.json.token)}` });
    expect(users.status).toBe(200);
    expect(users.body).toMatchObject({ totalResults: 0 });
    expect((await admin('GET', '/tenants/acme/tokens')).json.items).toHaveLength(1);

    expect((await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${acme.token}` })).status).toBe(401);
    expect((await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${acme.accessToken}` })).status).toBe(401);
    expect((await tokenRequest(stack, 'acme', acme.clientId, acme.clientSecret)).status).toBe(401);
    expect(
      (await stack.request('acme', 'GET', `/Users/${acme.userIds[0]}`, undefined, { authorization: `Bearer ${String(fresh.json.token)}` }))
        .status,
    ).toBe(404);
  });
});
