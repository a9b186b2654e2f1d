/**
 * Okta's provisioning flows, request by request as Okta's SCIM 2.0 guide shows them
 * (https://developer.okta.com/docs/reference/scim/scim-20/), over HTTP against a tenant in the
 * `okta` dialect and one in the default `tolerant` dialect:
 *  - existence check `filter=userName eq "…"&startIndex=1&count=100`, then POST (409 on a duplicate);
 *  - profile updates as PUT of the whole user (with `id`, `groups: []`, `meta`);
 *  - PATCH only for (de)activation, and never a DELETE of a user (deprovisioning is `active: false`);
 *  - Group Push: POST, rename by a path-less replace repeating the group's `id`, then PATCH with a
 *    filtered `remove` plus an `add`, or a `replace` of all members.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    tenants: [{ tenantId: 'okta-org', settings: { requiredAttributes: {}, dialect: 'okta' } }, 'okta-default'],
  });
});
afterAll(async () => stack.stop());

/** The user Okta creates in the guide's "Create the User" example. */
const oktaUser = (userName: string) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
});

const existenceCheck = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

describe.each(['okta-org', 'okta-default'])('Okta against tenant %s', (tenant) => {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await stack.request(tenant, method, path, body);
    return { ...response, json: response.body as Json };
  };
  const userName = `test.user.${tenant}@okta.local`;
  let userId: string;

  it('checks existence with filter=userName eq "…"&startIndex=1&count=100: an empty ListResponse with integer counts', async () => {
    const response = await call('GET', existenceCheck(userName));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('creates the user with POST (groups: [] and a password are accepted; the password is never returned)', async () => {
    const created = await call('POST', '/Users', oktaUser(userName));
    expect(created.status).toBe(201);
    userId = created.json.id as string;
    expect(created.json).toMatchObject({ userName, active: true, externalId: '00ujl29u0le5T6Aj10h7', name: { givenName: 'Test' } });
    expect(created.json.password).toBeUndefined();
    const found = await call('GET', existenceCheck(userName));
    expect(found.json).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect((found.json.Resources as Json[])[0]?.id).toBe(userId);
  });

  it("answers a duplicate create with 409 and a SCIM error, which stops Okta's job", async () => {
    const duplicate = await call('POST', '/Users', oktaUser(userName));
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
    });
  });

  it('updates the profile with PUT of the whole user, as Okta sends it after a GET', async () => {
    const current = await call('GET', `/Users/${userId}`);
    const put = await call('PUT', `/Users/${userId}`, {
      ...current.json,
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      groups: [],
      meta: { resourceType: 'User' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      id: userId,
      userName,
      active: true,
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
    });
    expect((await call('GET', `/Users/${userId}`)).json.name).toEqual({ givenName: 'Another', middleName: 'Excited', familyName: 'User' });
  });

  it('deactivates with PATCH replace {active: false} and the user stays readable and findable (Okta never DELETEs users)', async () => {
    const deactivated = await call('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.json).toMatchObject({ id: userId, active: false, name: { givenName: 'Another' } });
    expect((await call('GET', `/Users/${userId}`)).json.active).toBe(false);
    expect((await call('GET', existenceCheck(userName))).json.totalResults).toBe(1);
    const reactivated = await call('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(reactivated.json.active).toBe(true);
  });

  it('imports users page by page with startIndex and count=100', async () => {
    const page = await call('GET', '/Users?startIndex=1&count=100');
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ totalResults: expect.any(Number), startIndex: 1, itemsPerPage: expect.any(Number) });
    expect((page.json.Resources as Json[]).map((u) => u.id)).toContain(userId);
  });

  describe('Group Push', () => {
    let groupId: string;
    let otherId: string;
    const members = async () =>
      (((await call('GET', `/Groups/${groupId}`)).json.members as Json[] | undefined) ?? []).map((m) => m.value).sort();

    it('creates the group with POST and an empty members list', async () => {
      otherId = (await call('POST', '/Users', { ...oktaUser(`other.${tenant}@okta.local`), externalId: 'other' })).json.id as string;
      const created = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] });
      expect(created.status).toBe(201);
      groupId = created.json.id as string;
      expect(created.json).toMatchObject({ displayName: 'Test SCIMv2' });
    });

    it('renames it with a path-less replace that repeats the group id', async () => {
      const renamed = await call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv20' } }],
      });
      expect([200, 204]).toContain(renamed.status);
      expect((await call('GET', `/Groups/${groupId}`)).json.displayName).toBe('Test SCIMv20');
    });

    it('pushes membership as a filtered remove plus an add in one PATCH', async () => {
      const first = await call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: [{ value: otherId, display: 'other' }] }],
      });
      expect([200, 204]).toContain(first.status);
      expect(await members()).toEqual([otherId]);
      const pushed = await call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'remove', path: `members[value eq "${otherId}"]` },
          { op: 'add', path: 'members', value: [{ value: userId, display: userName }] },
        ],
      });
      expect([200, 204]).toContain(pushed.status);
      expect(await members()).toEqual([userId]);
    });

    it('pushes membership as a replace of all members', async () => {
      const replaced = await call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          {
            op: 'replace',
            path: 'members',
            value: [
              { value: userId, display: userName },
              { value: otherId, display: 'other' },
            ],
          },
        ],
      });
      expect([200, 204]).toContain(replaced.status);
      expect(await members()).toEqual([userId, otherId].sort());
      const narrowed = await call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'members', value: [{ value: otherId }] }],
      });
      expect([200, 204]).toContain(narrowed.status);
      expect(await members()).toEqual([otherId]);
    });

    it('imports groups page by page with startIndex and count=100', async () => {
      const page = await call('GET', '/Groups?startIndex=1&count=100');
      expect(page.json).toMatchObject({ startIndex: 1, totalResults: expect.any(Number) });
      expect((page.json.Resources as Json[]).map((g) => g.id)).toContain(groupId);
    });

    it('unlinks a pushed group with DELETE (groups, unlike users, are deleted)', async () => {
      expect((await call('DELETE', `/Groups/${groupId}`)).status).toBe(204);
      expect((await call('GET', `/Groups/${groupId}`)).status).toBe(404);
      expect((await call('GET', `/Users/${userId}`)).status).toBe(200);
    });
  });
});
