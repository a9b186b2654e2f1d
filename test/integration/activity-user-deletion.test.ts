/**
 * A user's deletion in the activity log (#25): the request and then the janitor remove its
 * memberships without a group write, and the recorder derives one `remove_member` record per group
 * from those removals (functions/activity/departed-members.ts). Removals a group write already
 * records (PATCH remove, also right before the user's deletion) or a group's deletion are not recorded
 * twice; another tenant sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';
import { adminCaller } from '../support/admin-api';

const A = 'acme';
const B = 'globex';

let stack: TestStack;
const admin = adminCaller(() => stack);
const created = async (tenant: string, path: string, body: Json) => {
  const response = await stack.request(tenant, 'POST', path, body);
  expect(response.status).toBe(201);
  return String((response.body as Json).id);
};
const newUser = (tenant: string, userName: string) => created(tenant, '/Users', { schemas: [USER], userName });
const newGroup = (tenant: string, displayName: string, members: string[]) =>
  created(tenant, '/Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
const records = async (tenant: string, query: string) => {
  await stack.stack.drainStreams();
  const response = await admin('GET', `/tenants/${tenant}/activity?${query}`);
  expect(response.status).toBe(200);
  return response.json.records as Json[];
};
const removals = async (tenant: string, query: string) =>
  (await records(tenant, query))
    .filter((r) => r.operation === 'remove_member')
    .map((r) => ({ group: r.resourceId, identifier: r.identifier, memberId: r.memberId, status: r.status, outcome: r.outcome }));

beforeAll(async () => {
  stack = await startTestStack({ tenants: [A, B] });
});
afterAll(async () => stack.stop());

describe("a user's deletion", () => {
  let userId = '';
  let stayingId = '';
  let engineering = '';
  let research = '';

  beforeAll(async () => {
    userId = await newUser(A, 'grace@example.com');
    stayingId = await newUser(A, 'alan@example.com');
    engineering = await newGroup(A, 'Engineering', [userId, stayingId]);
    research = await newGroup(A, 'Research', [userId]);
    await stack.stack.drainStreams();
    expect((await stack.request(A, 'DELETE', `/Users/${userId}`)).status).toBe(204);
  });

  it('records the user removed from each of its groups, found by id and by userName', async () => {
    const expected = [engineering, research].map((group) => ({
      group,
      identifier: group === engineering ? 'Engineering' : 'Research',
      memberId: userId,
      status: 200,
      outcome: 'success',
    }));
    const byId = await removals(A, `resourceId=${userId}`);
    expect(byId).toHaveLength(2);
    expect(byId).toEqual(expect.arrayContaining(expected));
    expect(await removals(A, 'userName=grace%40example.com')).toEqual(byId);
    // The groups' members are gone too (the records describe what happened).
    const group = await stack.request(A, 'GET', `/Groups/${engineering}`);
    expect(((group.body as Json).members as Json[]).map((m) => m.value)).toEqual([stayingId]);
  });

  it('leaves the remaining member alone, and records a PATCH removal once', async () => {
    expect(await removals(A, `resourceId=${stayingId}`)).toEqual([]);
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: stayingId }] }] };
    expect((await stack.request(A, 'PATCH', `/Groups/${engineering}`, patch)).status).toBe(204);
    expect((await removals(A, `resourceId=${stayingId}`)).map((r) => r.group)).toEqual([engineering]);
  });

  it("records no member removals for a group's deletion (its delete record says it)", async () => {
    const memberId = await newUser(A, 'edsger@example.com');
    const group = await newGroup(A, 'Temporary', [memberId]);
    await stack.stack.drainStreams();
    expect((await stack.request(A, 'DELETE', `/Groups/${group}`)).status).toBe(204);
    expect(await removals(A, `resourceId=${memberId}`)).toEqual([]);
    expect((await records(A, `resourceId=${group}`)).map((r) => r.operation)).toContain('delete');
  });

  it('records a PATCH removal once when the user is deleted before the stream is read', async () => {
    const memberId = await newUser(A, 'barbara@example.com');
    const group = await newGroup(A, 'Compilers', [memberId]);
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: memberId }] }] };
    expect((await stack.request(A, 'PATCH', `/Groups/${group}`, patch)).status).toBe(204);
    expect((await stack.request(A, 'DELETE', `/Users/${memberId}`)).status).toBe(204);
    expect((await removals(A, `resourceId=${memberId}`)).map((r) => r.group)).toEqual([group]);
  });

  it('records a PATCH removal once when another write lands on the group before the user is deleted', async () => {
    const memberId = await newUser(A, 'niklaus@example.com');
    const otherId = await newUser(A, 'tony@example.com');
    const group = await newGroup(A, 'Pascal', [memberId]);
    const remove = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: memberId }] }] };
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: otherId }] }] };
    const rename = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Modula' }] };
    expect((await stack.request(A, 'PATCH', `/Groups/${group}`, remove)).status).toBe(204);
    expect((await stack.request(A, 'PATCH', `/Groups/${group}`, add)).status).toBe(204);
    expect((await stack.request(A, 'PATCH', `/Groups/${group}`, rename)).status).toBe(204);
    expect((await stack.request(A, 'DELETE', `/Users/${memberId}`)).status).toBe(204);
    expect((await removals(A, `resourceId=${memberId}`)).map((r) => r.group)).toEqual([group]);
  });

  it('records a removal by the deletion whatever the group did before', async () => {
    const memberId = await newUser(A, 'ole-johan@example.com');
    const otherId = await newUser(A, 'kristen@example.com');
    const group = await newGroup(A, 'Simula', [memberId, otherId]);
    const remove = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: otherId }] }] };
    expect((await stack.request(A, 'PATCH', `/Groups/${group}`, remove)).status).toBe(204);
    expect((await stack.request(A, 'DELETE', `/Users/${memberId}`)).status).toBe(204);
    expect((await removals(A, `resourceId=${memberId}`)).map((r) => r.group)).toEqual([group]);
    expect((await removals(A, `resourceId=${otherId}`)).map((r) => r.group)).toEqual([group]);
  });

  it("shows none of it on another tenant's URL", async () => {
    expect(await records(B, `resourceId=${userId}`)).toEqual([]);
    expect(await records(B, 'userName=grace%40example.com')).toEqual([]);
    expect(await records(B, 'limit=500')).toEqual([]);
  });
});
