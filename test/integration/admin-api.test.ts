/**
 * The tenant admin API over HTTP on the local server (issue #22): tenants created, read, listed by
 * page, changed, paused (SCIM and token requests 503 + Retry-After, data intact), resumed, disabled
 * and deleted; problem+json for bad input; the admin key and the tenants' credentials never open
 * each other's routes; every answer checked against the OpenAPI document at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addClient } from '../../functions/credentials/client-service';
import { REVOKED_TOKEN_KEPT_DAYS } from '../../functions/credentials/token-service';
import { getTokenListing } from '../../functions/store/token-items';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared, unexercised } from '../support/admin-openapi';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { tokenRequest } from '../support/token-request';
import { USER } from '../support/urns';

let stack: TestStack;
const observations: Observation[] = [];
const admin = adminCaller(() => stack, observations);
const problem = (name: string) => `tag:scim-serverless,2026:problems/${name}`;

beforeAll(async () => {
  // The tenant deleted here stays `deleting`: the purge that follows is tenant-purge.test.ts's.
  stack = await startTestStack({ tenants: ['acme', 'other'], tenantPurge: false });
});
afterAll(async () => {
  await stack.stop();
});

describe('admin authentication', () => {
  it('refuses requests without the admin key, and with a tenant token, as 401 problems', async () => {
    for (const authorization of [undefined, `Bearer ${stack.token('acme')}`, 'Bearer scimadm_wrong']) {
      const response = await admin('GET', '/tenants', undefined, { authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json).toMatchObject({ type: problem('unauthorized'), status: 401 });
    }
  });

  it('never opens a SCIM route with the admin key', async () => {
    const response = await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${stack.stack.adminKey}` });
    expect(response.status).toBe(401);
  });
});

describe('tenants', () => {
  it('creates a tenant (201, Location), refuses a taken id (409) and reads it back', async () => {
    const created = await admin('POST', '/tenants', { id: 'globex', displayName: 'Globex', rateTier: 'large' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/admin\/v1\/tenants\/globex$/);
    expect(created.json).toMatchObject({ id: 'globex', displayName: 'Globex', status: 'active', rateTier: 'large' });
    expect(created.json.settings).toMatchObject({ unknownAttributes: 'reject', externalIdUniqueness: 'none' });

    const again = await admin('POST', '/tenants', { id: 'globex', displayName: 'Other' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ type: problem('already-exists'), status: 409, title: 'Already exists' });
    // A tenant seeded by npm start is taken too.
    expect((await admin('POST', '/tenants', { id: 'acme', displayName: 'Acme' })).status).toBe(409);

    const read = await admin('GET', '/tenants/globex');
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    expect((await admin('GET', '/tenants/nobody')).json).toMatchObject({ type: problem('not-found'), status: 404 });
  });

  it('answers bad input with problems naming the failing paths, never a 500', async () => {
    const badId = await admin('POST', '/tenants', { id: 'Not An Id', displayName: 'x' });
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({ type: problem('invalid-input'), errors: [{ path: 'id' }] });

    const badSettings = await admin('POST', '/tenants', {
      id: 'badsettings',
      displayName: 'x',
      settings: { requiredAttributes: { User: ['noSuchAttribute'] }, tokenLifetimeMinutes: 5 },
    });
    expect(badSettings.status).toBe(400);
    const paths = (badSettings.json.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['settings.requiredAttributes.User[0]', 'settings.tokenLifetimeMinutes']);

    const badRequired = await admin('POST', '/tenants', {
      id: 'badsettings',
      displayName: 'x',
      settings: { requiredAttributes: { User: ['noSuchAttribute'] } },
    });
    expect(badRequired.json.errors).toEqual([{ path: 'settings.requiredAttributes.User[0]', detail: expect.any(String) }]);

    const unknownMember = await admin('POST', '/tenants', { id: 'x1', displayName: 'x', colour: 'red' });
    expect(unknownMember.status).toBe(400);
    expect(unknownMember.json.type).toBe(problem('invalid-input'));

    const notJson = await admin('POST', '/tenants', '{"id": ');
    expect(notJson.json).toMatchObject({ type: problem('malformed-request'), status: 400 });
    const notAnObject = await admin('POST', '/tenants', '[]');
    expect(notAnObject.json).toMatchObject({ type: problem('invalid-input'), status: 400 });
    const wrongType = await admin('POST', '/tenants', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.json).toMatchObject({ type: problem('unsupported-media-type'), status: 415 });

    const wrongMethod = await admin('PUT', '/tenants/globex', { displayName: 'x' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH, DELETE');
    expect((await admin('GET', '/nothing/here')).json).toMatchObject({ type: problem('not-found'), status: 404 });
    expect(badSettings.status).toBe(400);
    expect((await admin('GET', '/tenants/acme')).status).toBe(200);
    expect((await admin('PATCH', '/tenants/acme', { status: 'deleting' })).json.type).toBe(problem('invalid-input'));
    expect((await admin('PATCH', '/tenants/acme', { rateTier: 'platinum' })).json.errors).toEqual([
      { path: 'rateTier', detail: expect.any(String) },
    ]);
  });

  it('lists every tenant exactly once by page, with a cursor that cannot be forged', async () => {
    for (const id of ['page-a', 'page-b', 'page-c', 'page-d'])
      expect((await admin('POST', '/tenants', { id, displayName: id })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin('GET', `/tenants?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect((page.json.items as Json[]).length).toBeLessThanOrEqual(2);
      seen.push(...(page.json.items as Json[]).map((t) => t.id as string));
      cursor = page.json.nextCursor as string | undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['acme', 'other', 'globex', 'page-a', 'page-b', 'page-c', 'page-d']));
    expect(pages).toBeGreaterThanOrEqual(4);

    const first = await admin('GET', '/tenants?limit=1');
    const forged = `${String(first.json.nextCursor).slice(0, -2)}xx`;
    expect((await admin('GET', `/tenants?cursor=${encodeURIComponent(forged)}`)).json).toMatchObject({
      type: problem('invalid-cursor'),
      status: 400,
    });
    const raw = Buffer.from(JSON.stringify({ PK: 'TENANTS', SK: 'TENANT#acme' })).toString('base64url');
    expect((await admin('GET', `/tenants?cursor=${raw}`)).status).toBe(400);
    expect((await admin('GET', '/tenants?limit=0')).json).toMatchObject({ type: problem('invalid-input'), errors: [{ path: 'limit' }] });
    expect((await admin('GET', '/tenants?limit=abc')).status).toBe(400);
  });

  it('changes displayName, settings and rateTier', async () => {
    const changed = await admin('PATCH', '/tenants/globex', {
      displayName: 'Globex Corp',
      rateTier: 'standard',
      settings: { dialect: 'entra' },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ displayName: 'Globex Corp', rateTier: 'standard', settings: { dialect: 'entra' } });
    expect((await admin('PATCH', '/tenants/nobody', { displayName: 'x' })).status).toBe(404);
  });
});

describe('secret tokens', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('issues a token shown once, lists ids and dates only, and serves SCIM with it', async () => {
    expect((await admin('POST', '/tenants', { id: 'initech', displayName: 'Initech' })).status).toBe(201);
    expect((await admin('GET', '/tenants/initech/tokens')).json).toEqual({ items: [] });
    const issued = await admin('POST', '/tenants/initech/tokens');
    expect(issued.status).toBe(201);
    expect(issued.json).toEqual({
      id: expect.stringMatching(/^tok_[0-9a-f]{12}$/),
      token: expect.stringMatching(/^scim_/),
      createdAt: expect.any(String),
    });
    const token = issued.json.token as string;
    expect((await stack.request('initech', 'GET', '/Users', undefined, bearer(token))).status).toBe(200);
    // Only its own tenant.
    expect((await stack.request('acme', 'GET', '/Users', undefined, bearer(token))).status).toBe(403);
    const listed = await admin('GET', '/tenants/initech/tokens');
    expect(listed.json).toEqual({ items: [{ id: issued.json.id, createdAt: issued.json.createdAt }] });
    expect(listed.text).not.toContain(token);
    expect((await admin('GET', '/tenants/initech')).text).not.toContain(token);
  });

  it('tells what to paste into Entra and Okta, never a secret, and counts the tenant', async () => {
    const connection = await admin('GET', '/tenants/initech/connection');
    expect(connection.status).toBe(200);
    const tenantUrl = `${stack.stack.url}/tenants/initech/scim/v2`;
    expect(connection.json).toMatchObject({
      tenantUrl,
      entra: {
        secretToken: { 'Tenant URL': tenantUrl, 'Secret Token': expect.stringContaining('POST') },
        oauth2ClientCredentialsGrant: { 'Tenant URL': tenantUrl, 'Token Endpoint': `${stack.stack.url}/tenants/initech/oauth2/token` },
      },
      okta: { 'SCIM connector base URL': tenantUrl, 'Unique identifier field for users': 'userName' },
    });
    expect(connection.text).not.toMatch(/scim_[A-Za-z0-9_-]{43}/);
    expect((await admin('GET', '/tenants/nobody/connection')).status).toBe(404);

    const token = (await admin('POST', '/tenants/initech/tokens')).json.token as string;
    const user = await stack.request(
      'initech',
      'POST',
      '/Users',
      { schemas: [USER], userName: 'milton@initech.example', active: true },
      bearer(token),
    );
    const group = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Staplers',
      members: [{ value: (user.body as Json).id }],
    };
    expect((await stack.request('initech', 'POST', '/Groups', group, bearer(token))).status).toBe(201);
    expect((await admin('GET', '/tenants/initech/stats')).json).toEqual({ users: 1, activeUsers: 1, groups: 1, memberships: 1 });
    expect((await admin('GET', '/tenants/nobody/stats')).status).toBe(404);
    const listed = (await admin('GET', '/tenants/initech/tokens')).json.items as Json[];
    expect((await admin('DELETE', `/tenants/initech/tokens/${listed[1]?.id}`)).status).toBe(204);
  });

  it('tells the workload identity federation values: Tenant URL, Token Endpoint, metadata, and per credential what Entra showed', async () => {
    const none = (await admin('GET', '/tenants/initech/connection')).json.workloadIdentity as Json;
    const tenantUrl = `${stack.stack.url}/tenants/initech/scim/v2`;
    const tokenEndpoint = `${stack.stack.url}/tenants/initech/oauth2/token`;
    expect(none).toEqual({
      authenticationMethod: 'Workload Identity based authentication',
      tenantUrl,
      tokenEndpoint,
      metadata: `${stack.stack.url}/tenants/initech/.well-known/oauth-authorization-server`,
      credentials: [],
    });
    // The metadata URL answers, and names the same token endpoint.
    const metadata = await fetch(String(none.metadata));
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as Json).token_endpoint).toBe(tokenEndpoint);

    const entraTenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const declared = {
      issuer: `https://login.microsoftonline.com/${entraTenant}/v2.0`,
      jwksUri: `https://login.microsoftonline.com/${entraTenant}/discovery/v2.0/keys`,
      subject: '5d9c1a52-8f3e-4c1b-9a7d-2f6e0b3c4d5e',
      audiences: ['c0ffee00-1111-2222-3333-444455556666', 'api://c0ffee00-1111-2222-3333-444455556666'],
      tenantId: entraTenant,
    };
    const credential = await admin('POST', '/tenants/initech/federated-credentials', declared);
    expect(credential.status).toBe(201);
    const { jwksUri: _jwksUri, ...shown } = declared;
    const connection = await admin('GET', '/tenants/initech/connection');
    expect(connection.json.workloadIdentity).toEqual({
      ...none,
      credentials: [{ id: credential.json.id, clientIdentifier: credential.json.clientId, ...shown }],
    });
    // Another tenant's connection shows none of it.
    expect(((await admin('GET', '/tenants/acme/connection')).json.workloadIdentity as Json).credentials).toEqual([]);
    expect((await admin('DELETE', `/tenants/initech/federated-credentials/${credential.json.id}`)).status).toBe(204);
    expect(((await admin('GET', '/tenants/initech/connection')).json.workloadIdentity as Json).credentials).toEqual([]);
  });

  it('rotates: a second token, a third is 409, deleting the old one stops it and keeps the new one', async () => {
    const [first] = (await admin('GET', '/tenants/initech/tokens')).json.items as Json[];
    const second = await admin('POST', '/tenants/initech/tokens');
    expect(second.status).toBe(201);
    const third = await admin('POST', '/tenants/initech/tokens');
    expect(third.json).toMatchObject({ type: problem('limit-reached'), status: 409 });
    expect((await admin('DELETE', `/tenants/initech/tokens/${first?.id}`)).status).toBe(204);
    // Revoked twice is 404: the tombstone it leaves is no token to revoke, list or count.
    expect((await admin('DELETE', `/tenants/initech/tokens/${first?.id}`)).json).toMatchObject({ type: problem('not-found') });
    const tombstone = await getTokenListing(stack.stack.db, 'initech', String(first?.id));
    const keptDays = ((tombstone?.expiresAt ?? 0) - Date.now() / 1000) / 86_400;
    expect([tombstone?.revokedAt !== undefined, Math.round(keptDays)]).toEqual([true, REVOKED_TOKEN_KEPT_DAYS]);
    expect((await admin('GET', '/tenants/initech/tokens')).json.items).toEqual([{ id: second.json.id, createdAt: second.json.createdAt }]);
    expect((await stack.request('initech', 'GET', '/Users', undefined, bearer(second.json.token as string))).status).toBe(200);
    expect((await admin('POST', '/tenants/initech/tokens')).status).toBe(201);
  });

  it('never lets concurrent issues pass the limit of two', async () => {
    expect((await admin('POST', '/tenants', { id: 'racing', displayName: 'Racing' })).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 6 }, () => admin('POST', '/tenants/racing/tokens')));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect((await admin('GET', '/tenants/racing/tokens')).json.items).toHaveLength(2);
  });

  it('lists a token seeded by npm start under its derived id, and refuses tokens of unknown tenants', async () => {
    const seeded = (await admin('GET', '/tenants/acme/tokens')).json.items as Json[];
    expect(seeded).toEqual([{ id: expect.stringMatching(/^tok_[0-9a-f]{12}$/), createdAt: expect.any(String) }]);
    expect((await admin('POST', '/tenants/nobody/tokens')).json).toMatchObject({ type: problem('not-found') });
    expect((await admin('GET', '/tenants/nobody/tokens')).status).toBe(404);
  });
});

describe('tenant status', () => {
  let userId: string;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    const created = await stack.request('acme', 'POST', '/Users', { schemas: [USER], userName: 'pause@example.com', active: true });
    userId = (created.body as Json).id as string;
    client = await addClient(stack.stack.db, 'acme');
  });

  it('paused: every SCIM and token request answers 503 with Retry-After, nothing changes; active resumes', async () => {
    expect((await admin('PATCH', '/tenants/acme', { status: 'paused' })).json.status).toBe('paused');

    for (const [method, path, body] of [
      ['GET', `/Users/${userId}`, undefined],
      [
        'PATCH',
        `/Users/${userId}`,
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
      ],
      ['DELETE', `/Users/${userId}`, undefined],
      ['POST', '/Users', { schemas: [USER], userName: 'new@example.com' }],
      ['GET', '/ServiceProviderConfig', undefined],
    ] as const) {
      const response = await stack.request('acme', method, path, body);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('60');
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    }
    const token = await tokenRequest(stack, 'acme', client.clientId, client.clientSecret);
    expect(token.status).toBe(503);
    expect(token.headers.get('retry-after')).toBe('60');
    expect(token.json.error).toBe('temporarily_unavailable');
    // A wrong secret learns nothing about the pause (its last character changed: one secret in 16 ends in A).
    const wrongSecret = `${client.clientSecret.slice(0, -1)}${client.clientSecret.endsWith('A') ? 'E' : 'A'}`;
    expect((await tokenRequest(stack, 'acme', client.clientId, wrongSecret)).status).toBe(401);
    // Other tenants are untouched.
    expect((await stack.request('other', 'GET', '/Users')).status).toBe(200);

    expect((await admin('PATCH', '/tenants/acme', { status: 'active' })).json.status).toBe('active');
    const after = await stack.request('acme', 'GET', `/Users/${userId}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ userName: 'pause@example.com', active: true });
    expect((await stack.request('acme', 'GET', '/Users?filter=userName%20eq%20%22new@example.com%22')).body).toMatchObject({
      totalResults: 0,
    });
    expect((await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).status).toBe(200);
  });

  it('disabled: credentials are refused; active again restores them', async () => {
    expect((await admin('PATCH', '/tenants/acme', { status: 'disabled' })).status).toBe(200);
    expect((await stack.request('acme', 'GET', '/Users')).status).toBe(401);
    expect((await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).status).toBe(401);
    expect((await admin('PATCH', '/tenants/acme', { status: 'active' })).status).toBe(200);
    expect((await stack.request('acme', 'GET', `/Users/${userId}`)).status).toBe(200);
  });

  it('deleting: 202, credentials refused at once, the tenant shows "deleting" and cannot change or be re-created', async () => {
    const deleted = await admin('DELETE', '/tenants/other');
    expect(deleted.status).toBe(202);
    expect(deleted.json).toMatchObject({ id: 'other', status: 'deleting' });
    expect((await stack.request('other', 'GET', '/Users')).status).toBe(401);
    expect((await admin('GET', '/tenants/other')).json.status).toBe('deleting');
    expect((await admin('DELETE', '/tenants/other')).status).toBe(202);
    expect((await admin('PATCH', '/tenants/other', { status: 'active' })).json).toMatchObject({
      type: problem('invalid-state'),
      status: 409,
    });
    expect((await admin('POST', '/tenants', { id: 'other', displayName: 'Other' })).status).toBe(409);
    expect((await admin('DELETE', '/tenants/nobody')).status).toBe(404);
    // acme is untouched.
    expect((await stack.request('acme', 'GET', `/Users/${userId}`)).status).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('is served at /admin/v1/openapi.json as OpenAPI 3.1', async () => {
    const response = await admin('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    expect(Object.keys(response.json.paths as Json)).toEqual(expect.arrayContaining(['/admin/v1/tenants', '/admin/v1/tenants/{tenantId}']));
  });

  it('declares every operation, status and problem type this file observed, and every operation was exercised', async () => {
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
    // Other features' operations (event streams, federated credentials, …) are exercised by their own test files.
    const mine = /\/admin\/v1\/(openapi\.json|tenants(\/\{tenantId\}(\/(tokens(\/\{tokenId\})?|connection|stats))?)?)$/;
    expect(unexercised(document, observations).filter((op) => mine.test(op.split(' ')[1] ?? ''))).toEqual([]);
  });

  it('validates every request body against its declared schema', async () => {
    const document = (await admin('GET', '/openapi.json')).json;
    for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!operation.requestBody) continue;
        const path = template.replace('/admin/v1', '').replace('{tenantId}', 'acme');
        const response = await admin(method.toUpperCase(), path, { notDeclared: true });
        expect([method, template, response.status, response.json.type]).toEqual([method, template, 400, problem('invalid-input')]);
      }
    }
  });
});
