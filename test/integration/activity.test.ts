/**
 * The activity log end to end over HTTP: a scripted Entra cycle, then one user's history (create,
 * patches with attribute names, deactivation, group membership changes, delete, in order, with the
 * credential used); every refusal kind with its reason code, recorded in the tenant whose URL was
 * called; nothing of it visible to another tenant; never a token, secret or attribute value.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ActivityRecord } from '../../functions/activity/activity-record';
import { deleteTenantActivity, tenantActivity } from '../../functions/activity/activity-service';
import { issueAccessToken } from '../../functions/oauth/access-token';
import type { ClientCredentials } from '../../functions/credentials/client-credentials';
import { localSigner } from '../../functions/signing/local-signer';
import { addClient, revokeTenantClient } from '../../functions/credentials/client-service';
import { activityPartition } from '../../functions/store/keys';
import { putToken, setTenantStatus } from '../../functions/store/tenants';
import { environment } from '../../functions/commons/environment';
import { generateToken, hashToken } from '../../functions/credentials/secret-token';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared } from '../support/admin-openapi';

const A = 'acme';
const B = 'globex';
const DISABLED = 'initech';
const ENTRA = 'Microsoft Azure AD SCIM Client 1.0';

let stack: TestStack;
let clientOfA: ClientCredentials;
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });
const entra = (tenant: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  stack.request(tenant, method, path, body, { 'user-agent': ENTRA, ...headers });
const tokenUrl = (tenantId: string) => `${stack.stack.url}/tenants/${tenantId}/oauth2/token`;
const requestToken = (tenantId: string, fields: Record<string, string>) =>
  fetch(tokenUrl(tenantId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': ENTRA },
    body: new URLSearchParams(fields).toString(),
  });
const secretTokenId = (tenantId: string) => `tok_${hashToken(stack.token(tenantId)).slice(0, 12)}`;

async function activity(tenantId: string, filter: Parameters<typeof tenantActivity>[2] = {}): Promise<ActivityRecord[]> {
  await stack.stack.drainStreams();
  return (await tenantActivity(stack.stack.db, tenantId, { limit: 500, ...filter })).records;
}

beforeAll(async () => {
  stack = await startTestStack({ tenants: [A, B, DISABLED] });
  clientOfA = await addClient(stack.stack.db, A);
});
afterAll(async () => stack.stop());

describe('one user after an Entra cycle', () => {
  let userId = '';
  let groupId = '';

  beforeAll(async () => {
    // What Entra does: look up, create, update, add to a group, deactivate, remove from the group, delete.
    expect((await entra(A, 'GET', '/Users?filter=userName+eq+%22ada%40example.com%22')).status).toBe(200);
    const created = await entra(A, 'POST', '/Users', {
      schemas: [USER],
      userName: 'ada@example.com',
      displayName: 'Ada Lovelace',
      name: { givenName: 'Ada' },
    });
    userId = String((created.body as Json).id);
    const changed = await entra(
      A,
      'PATCH',
      `/Users/${userId}`,
      patch({ op: 'Replace', path: 'displayName', value: 'Ada King' }, { op: 'Replace', path: 'name.familyName', value: 'King' }),
    );
    expect(changed.status).toBe(200);
    groupId = String(((await entra(A, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering' })).body as Json).id);
    expect((await entra(A, 'PATCH', `/Groups/${groupId}`, patch({ op: 'Add', path: 'members', value: [{ value: userId }] }))).status).toBe(
      204,
    );
    expect((await entra(A, 'PATCH', `/Users/${userId}`, patch({ op: 'Replace', path: 'active', value: 'False' }))).status).toBe(200);
    const removed = await entra(A, 'PATCH', `/Groups/${groupId}`, patch({ op: 'Remove', path: 'members', value: [{ value: userId }] }));
    expect(removed.status).toBe(204);
    expect((await entra(A, 'DELETE', `/Users/${userId}`)).status).toBe(204);
  });

  it('shows create, patch with attribute names, membership, deactivation and delete in order, newest first', async () => {
    const history = await activity(A, { userName: 'ada@example.com' });
    const oldestFirst = [...history].reverse();
    expect(oldestFirst.map((r) => r.operation)).toEqual(['create', 'patch', 'add_member', 'deactivate', 'remove_member', 'delete']);
    expect(oldestFirst[1]?.changed).toEqual(['displayName', 'name']);
    expect(oldestFirst[3]?.changed).toEqual(['active']);
    expect(oldestFirst[2]).toMatchObject({ resourceType: 'Group', resourceId: groupId, memberId: userId, identifier: 'Engineering' });
    for (const record of history) {
      expect(record).toMatchObject({ credentialId: secretTokenId(A), client: 'entra', outcome: 'success', requestId: expect.any(String) });
    }
    expect(oldestFirst[0]).toMatchObject({ resourceType: 'User', resourceId: userId, identifier: 'ada@example.com', status: 201 });
    // The same history by id, also after the user is gone.
    expect((await activity(A, { resourceId: userId })).map((r) => r.requestId)).toEqual(history.map((r) => r.requestId));
  });

  it('records a write with no attribute values and no token', async () => {
    await stack.stack.drainStreams();
    const raw = await stack.stack.db.client.send(
      new QueryCommand({
        TableName: stack.stack.db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': activityPartition(A) },
      }),
    );
    const text = JSON.stringify(raw.Items);
    expect(text).not.toContain('Ada King');
    expect(text).not.toContain('"King"');
    expect(text).not.toContain(stack.token(A));
    expect(text).not.toContain(clientOfA.clientSecret);
  });

  it('records a failed request with its status, scimType and reason in one record', async () => {
    await entra(A, 'POST', '/Users', { schemas: [USER], userName: 'grace@example.com' });
    const clash = await entra(A, 'POST', '/Users', { schemas: [USER], userName: 'grace@example.com' });
    expect(clash.status).toBe(409);
    const missing = await entra(A, 'GET', `/Users/${userId}`);
    expect(missing.status).toBe(404);
    const failures = await activity(A, { outcome: 'failure' });
    expect(failures.slice(0, 2)).toMatchObject([
      { operation: 'read', status: 404, reason: 'not_found', resourceId: userId, credentialId: secretTokenId(A), client: 'entra' },
      { operation: 'create', status: 409, scimType: 'uniqueness', reason: 'uniqueness', identifier: 'grace@example.com' },
    ]);
  });
});

describe('refusals, each with its reason code, in the tenant whose URL was called', () => {
  const lastRefusal = async (tenantId: string) => (await activity(tenantId, { outcome: 'failure', limit: 1 }))[0];

  it('token_unknown', async () => {
    const response = await stack.request(A, 'GET', '/Users', undefined, { authorization: `Bearer ${generateToken()}` });
    expect(response.status).toBe(401);
    expect(await lastRefusal(A)).toMatchObject({ operation: 'authenticate', status: 401, reason: 'token_unknown' });
    expect((await lastRefusal(A))?.credentialId).toBeUndefined();
  });

  it('token_expired, naming the token by id', async () => {
    const token = generateToken();
    await putToken(stack.stack.db, { tenantId: A, tokenHash: hashToken(token), expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expect((await stack.request(A, 'GET', '/Users', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(await lastRefusal(A)).toMatchObject({ reason: 'token_expired', credentialId: `tok_${hashToken(token).slice(0, 12)}` });
  });

  it('tenant_disabled', async () => {
    await setTenantStatus(stack.stack.db, DISABLED, 'disabled');
    expect((await stack.request(DISABLED, 'GET', '/Users')).status).toBe(401);
    expect(await lastRefusal(DISABLED)).toMatchObject({ reason: 'tenant_disabled', credentialId: secretTokenId(DISABLED) });
  });

  it("credential_other_tenant: recorded in the called tenant without naming the other tenant's credential", async () => {
    const response = await stack.request(B, 'GET', '/Users', undefined, { authorization: `Bearer ${stack.token(A)}` });
    expect(response.status).toBe(403);
    const record = await lastRefusal(B);
    expect(record).toMatchObject({ reason: 'credential_other_tenant' });
    expect(record?.credentialId).toBeUndefined();
    expect(JSON.stringify(await activity(B))).not.toContain(secretTokenId(A));
  });

  it('jwt_expired and jwt_bad_signature', async () => {
    const signer = localSigner(environment.oauthLocalKeyFile() as string);
    const expired = await issueAccessToken(signer, {
      issuer: environment.oauthIssuer(),
      tenantId: A,
      clientId: clientOfA.clientId,
      lifetimeSeconds: -3600,
    });
    expect((await stack.request(A, 'GET', '/Users', undefined, { authorization: `Bearer ${expired.accessToken}` })).status).toBe(401);
    expect(await lastRefusal(A)).toMatchObject({ reason: 'jwt_expired' });
    const valid = await issueAccessToken(signer, {
      issuer: environment.oauthIssuer(),
      tenantId: A,
      clientId: clientOfA.clientId,
      lifetimeSeconds: 600,
    });
    const tampered = `${valid.accessToken.slice(0, -4)}${valid.accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await stack.request(A, 'GET', '/Users', undefined, { authorization: `Bearer ${tampered}` })).status).toBe(401);
    expect(await lastRefusal(A)).toMatchObject({ reason: 'jwt_bad_signature' });
  });

  it('client_secret_mismatch, client_unknown and a token issued, at the token endpoint', async () => {
    const wrong = await requestToken(A, { grant_type: 'client_credentials', client_id: clientOfA.clientId, client_secret: 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    expect(await lastRefusal(A)).toMatchObject({
      route: 'POST /oauth2/token',
      reason: 'client_secret_mismatch',
      credentialId: clientOfA.clientId,
      client: 'entra',
    });
    const unknown = await requestToken(A, { grant_type: 'client_credentials', client_id: 'nosuchclient', client_secret: 'x'.repeat(43) });
    expect(unknown.status).toBe(401);
    const record = await lastRefusal(A);
    expect(record).toMatchObject({ reason: 'client_unknown' });
    expect(record?.credentialId).toBeUndefined();
    const issued = await requestToken(A, {
      grant_type: 'client_credentials',
      client_id: clientOfA.clientId,
      client_secret: clientOfA.clientSecret,
    });
    expect(issued.status).toBe(200);
    const [latest] = await activity(A, { limit: 1 });
    expect(latest).toMatchObject({ operation: 'issue_token', status: 200, credentialId: clientOfA.clientId, outcome: 'success' });
    expect(JSON.stringify(await activity(A))).not.toContain(String(((await issued.json()) as Json).access_token));
  });

  it('client_revoked, at the token endpoint and for its access tokens', async () => {
    const client = await addClient(stack.stack.db, A);
    const issued = (await (
      await requestToken(A, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })
    ).json()) as Json;
    await revokeTenantClient(stack.stack.db, A, client.clientId);
    expect((await stack.request(A, 'GET', '/Users', undefined, { authorization: `Bearer ${String(issued.access_token)}` })).status).toBe(
      401,
    );
    expect(await lastRefusal(A)).toMatchObject({ reason: 'client_revoked', credentialId: client.clientId });
    await requestToken(A, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
    expect(await lastRefusal(A)).toMatchObject({ reason: 'client_revoked', credentialId: client.clientId });
  });

  it('a refusal on a tenant that does not exist is written nowhere', async () => {
    await stack.request('nosuchtenant', 'GET', '/Users', undefined, { authorization: `Bearer ${generateToken()}` });
    await expect(tenantActivity(stack.stack.db, 'nosuchtenant', {})).rejects.toThrow('no tenant');
  });
});

describe('isolation and deletion', () => {
  it("a tenant sees none of another tenant's records", async () => {
    const ofB = await activity(B);
    expect(ofB.every((r) => r.reason === 'credential_other_tenant')).toBe(true);
    expect(JSON.stringify(ofB)).not.toContain('ada@example.com');
  });

  it("deleting a tenant's activity empties both of its partitions", async () => {
    await stack.stack.drainStreams();
    expect(await deleteTenantActivity(stack.stack.db, B)).toBeGreaterThan(0);
    expect(await activity(B)).toEqual([]);
    expect((await activity(A)).length).toBeGreaterThan(0);
  });
});

describe('the admin API (/admin/v1/tenants/{id}/activity and /health)', () => {
  const observations: Observation[] = [];
  const admin = adminCaller(() => stack, observations);

  it('answers a user history by userName, newest first, paged with a cursor', async () => {
    await stack.stack.drainStreams();
    const all = await admin('GET', `/tenants/${A}/activity?userName=ada%40example.com`);
    expect(all.status).toBe(200);
    const operations = (all.json.records as Json[]).map((r) => r.operation);
    // Newest first: the 404 read after the delete (a failure about this user), then the cycle backwards.
    expect(operations).toEqual(['read', 'delete', 'remove_member', 'deactivate', 'add_member', 'patch', 'create']);
    const first = await admin('GET', `/tenants/${A}/activity?userName=ada%40example.com&limit=4`);
    expect((first.json.records as Json[]).map((r) => r.operation)).toEqual(operations.slice(0, 4));
    const next = await admin('GET', `/tenants/${A}/activity?userName=ada%40example.com&limit=4&cursor=${String(first.json.nextCursor)}`);
    expect((next.json.records as Json[]).map((r) => r.operation)).toEqual(operations.slice(4));
    expect(next.json.nextCursor).toBeUndefined();
  });

  it('filters by outcome and reason, and refuses an unknown reason code or cursor', async () => {
    const refused = await admin('GET', `/tenants/${A}/activity?outcome=failure&reason=token_unknown`);
    expect(refused.status).toBe(200);
    expect((refused.json.records as Json[]).length).toBeGreaterThan(0);
    expect((refused.json.records as Json[]).every((r) => r.reason === 'token_unknown' && r.outcome === 'failure')).toBe(true);
    const bad = await admin('GET', `/tenants/${A}/activity?reason=made_up`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await admin('GET', `/tenants/${A}/activity?cursor=nonsense`)).status).toBe(400);
  });

  it('shows health, and 404 for a tenant that does not exist', async () => {
    const health = await admin('GET', `/tenants/${A}/health`);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ tenantId: A, verdict: expect.any(String), lastWriteAt: expect.any(String) });
    expect((health.json.credentials as Json[]).map((c) => c.credentialId)).toContain(secretTokenId(A));
    expect((await admin('GET', '/tenants/nosuchtenant/health')).status).toBe(404);
    expect((await admin('GET', '/tenants/nosuchtenant/activity')).status).toBe(404);
  });

  it("never shows one tenant's records on another tenant's URL", async () => {
    const ofB = await admin('GET', `/tenants/${B}/activity?userName=ada%40example.com`);
    expect(ofB.json.records).toEqual([]);
  });

  it('answers only what the OpenAPI document declares', async () => {
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
  });
});
