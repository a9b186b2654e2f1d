/**
 * OAuth clients under the tenant admin API over HTTP on the local server (issue #22): a client and
 * its first secret shown once, listed without secrets, rotated with at most two secrets (race-safe,
 * 409 at the limit), the old secret revoked by id, the client revoked; the token endpoint takes
 * either active secret and no revoked one; clients from before secret ids keep working; every
 * answer checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { hashClientSecret } from '../../functions/credentials/client-credentials';
import { keys } from '../../functions/store/keys';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared, unexercised } from '../support/admin-openapi';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { tokenRequest } from '../support/token-request';

let stack: TestStack;
const observations: Observation[] = [];
const admin = adminCaller(() => stack, observations);
const problem = (name: string) => `tag:scim-serverless,2026:problems/${name}`;
const SECRET = /[A-Za-z0-9_-]{43}/;

beforeAll(async () => {
  stack = await startTestStack({ tenants: ['acme', 'other'] });
});
afterAll(async () => {
  await stack.stop();
});

const usersWith = async (tenantId: string, accessToken: unknown) =>
  (await stack.request(tenantId, 'GET', '/Users', undefined, { authorization: `Bearer ${String(accessToken)}` })).status;

interface Issued {
  clientId: string;
  clientSecret: string;
  secretId: string;
}

async function createClient(tenantId: string): Promise<Issued> {
  const created = await admin('POST', `/tenants/${tenantId}/oauth-clients`);
  expect(created.status).toBe(201);
  return created.json as unknown as Issued;
}

describe('OAuth clients', () => {
  it('creates a client whose secret is shown once and gets a token that works on SCIM, for its tenant only', async () => {
    const created = await admin('POST', '/tenants/acme/oauth-clients');
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      clientId: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      secretId: expect.stringMatching(/^sec_[0-9a-f]{12}$/),
      createdAt: expect.any(String),
    });
    const { clientId, clientSecret, secretId } = created.json as unknown as Issued;
    expect(created.headers.get('location')).toMatch(new RegExp(`/admin/v1/tenants/acme/oauth-clients/${clientId}$`));

    const token = await tokenRequest(stack, 'acme', clientId, clientSecret);
    expect(token.status).toBe(200);
    expect(await usersWith('acme', token.json.access_token)).toBe(200);
    expect(await usersWith('other', token.json.access_token)).not.toBe(200);
    expect((await tokenRequest(stack, 'other', clientId, clientSecret)).json.error).toBe('invalid_client');

    const one = await admin('GET', `/tenants/acme/oauth-clients/${clientId}`);
    expect(one.json).toEqual({
      clientId,
      status: 'active',
      createdAt: expect.any(String),
      secrets: [{ id: secretId, createdAt: expect.any(String) }],
    });
    const listed = await admin('GET', '/tenants/acme/oauth-clients');
    expect(listed.json.items).toEqual(expect.arrayContaining([one.json]));
    for (const answer of [one, listed, await admin('GET', '/tenants/acme/connection'), await admin('GET', '/tenants/acme')]) {
      expect(answer.text).not.toContain(clientSecret);
      expect(answer.text).not.toContain(hashClientSecret(clientSecret));
    }
    expect((await admin('GET', '/tenants/acme/connection')).json).toMatchObject({
      entra: { oauth2ClientCredentialsGrant: { 'Client Identifier': expect.stringContaining(clientId) } },
    });
  });

  it('rotates: a second secret, a third is 409, both get tokens, revoking the old one stops it and frees its place', async () => {
    const client = await createClient('acme');
    const before = (await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).json.access_token;
    const second = await admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/secrets`);
    expect(second.status).toBe(201);
    expect(second.json).toEqual({
      id: expect.stringMatching(/^sec_[0-9a-f]{12}$/),
      clientId: client.clientId,
      clientSecret: expect.stringMatching(SECRET),
      createdAt: expect.any(String),
    });
    const third = await admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/secrets`);
    expect(third.status).toBe(409);
    expect(third.json).toMatchObject({ type: problem('limit-reached'), status: 409 });
    expect((await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).status).toBe(200);
    expect((await tokenRequest(stack, 'acme', client.clientId, String(second.json.clientSecret))).status).toBe(200);

    expect((await admin('DELETE', `/tenants/acme/oauth-clients/${client.clientId}/secrets/${client.secretId}`)).status).toBe(204);
    const old = await tokenRequest(stack, 'acme', client.clientId, client.clientSecret);
    expect([old.status, old.json.error]).toEqual([401, 'invalid_client']);
    expect((await tokenRequest(stack, 'acme', client.clientId, String(second.json.clientSecret))).status).toBe(200);
    // Access tokens already issued keep working: only the secret stopped.
    expect(await usersWith('acme', before)).toBe(200);
    const again = await admin('DELETE', `/tenants/acme/oauth-clients/${client.clientId}/secrets/${client.secretId}`);
    expect(again.json).toMatchObject({ type: problem('not-found'), status: 404 });
    expect((await admin('GET', `/tenants/acme/oauth-clients/${client.clientId}`)).json.secrets).toEqual([
      { id: second.json.id, createdAt: second.json.createdAt },
    ]);
    expect((await admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/secrets`)).status).toBe(201);
  });

  it('never lets concurrent secret additions pass the limit of two', async () => {
    const client = await createClient('acme');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/secrets`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const added = answers.find((a) => a.status === 201)?.json;
    expect(((await admin('GET', `/tenants/acme/oauth-clients/${client.clientId}`)).json.secrets as Json[]).map((s) => s.id).sort()).toEqual(
      [client.secretId, added?.id].sort(),
    );
    expect((await tokenRequest(stack, 'acme', client.clientId, String(added?.clientSecret))).status).toBe(200);
  });

  it('revokes a client: no secret works, its access tokens are refused, it stays listed as revoked', async () => {
    const client = await createClient('acme');
    const token = (await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).json.access_token;
    expect(await usersWith('acme', token)).toBe(200);
    expect((await admin('DELETE', `/tenants/acme/oauth-clients/${client.clientId}`)).status).toBe(204);
    expect((await tokenRequest(stack, 'acme', client.clientId, client.clientSecret)).json.error).toBe('invalid_client');
    expect(await usersWith('acme', token)).toBe(401);
    expect((await admin('GET', `/tenants/acme/oauth-clients/${client.clientId}`)).json).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
      secrets: [],
    });
    expect((await admin('DELETE', `/tenants/acme/oauth-clients/${client.clientId}`)).status).toBe(404);
    expect((await admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/secrets`)).status).toBe(404);
    expect((await admin('GET', '/tenants/acme/connection')).json).toMatchObject({
      entra: { oauth2ClientCredentialsGrant: { 'Client Identifier': expect.not.stringContaining(client.clientId) } },
    });
  });

  it("answers unknown tenants, unknown clients and another tenant's client with 404 problems, a deleting tenant with 409", async () => {
    const acmes = await createClient('acme');
    for (const [method, path] of [
      ['POST', '/tenants/nobody/oauth-clients'],
      ['GET', '/tenants/nobody/oauth-clients'],
      ['GET', '/tenants/acme/oauth-clients/nosuchclient'],
      ['GET', '/tenants/acme/oauth-clients/bad%20id'],
      ['GET', `/tenants/other/oauth-clients/${acmes.clientId}`],
      ['DELETE', `/tenants/other/oauth-clients/${acmes.clientId}`],
      ['POST', `/tenants/other/oauth-clients/${acmes.clientId}/secrets`],
      ['DELETE', `/tenants/other/oauth-clients/${acmes.clientId}/secrets/${acmes.secretId}`],
      ['DELETE', `/tenants/acme/oauth-clients/${acmes.clientId}/secrets/sec_000000000000`],
      ['DELETE', `/tenants/acme/oauth-clients/${acmes.clientId}/secrets/not-an-id`],
    ] as const) {
      const answer = await admin(method, path);
      expect([method, path, answer.status, answer.json.type]).toEqual([method, path, 404, problem('not-found')]);
    }
    // Nothing above touched acme's client.
    expect((await tokenRequest(stack, 'acme', acmes.clientId, acmes.clientSecret)).status).toBe(200);

    expect((await admin('POST', '/tenants', { id: 'leaving', displayName: 'Leaving' })).status).toBe(201);
    expect((await admin('DELETE', '/tenants/leaving')).status).toBe(202);
    expect((await admin('POST', '/tenants/leaving/oauth-clients')).json).toMatchObject({ type: problem('invalid-state'), status: 409 });
  });

  it('keeps a client from before secret ids working: both its secrets (within the overlap) as secrets with ids, then rotated', async () => {
    const current = 'c'.repeat(43);
    const previous = 'p'.repeat(43);
    await stack.stack.db.client.send(
      new PutCommand({
        TableName: stack.stack.db.table,
        Item: {
          ...keys.oauthClient('acme', 'legacy-client-01'),
          entity: 'OAuthClient',
          tenantId: 'acme',
          clientId: 'legacy-client-01',
          status: 'active',
          secretHash: hashClientSecret(current),
          previousSecretHash: hashClientSecret(previous),
          previousSecretValidUntil: Math.floor(Date.now() / 1000) + 3600,
          createdAt: '2026-01-01T00:00:00.000Z',
          rotatedAt: '2026-02-01T00:00:00.000Z',
        },
      }),
    );
    expect((await tokenRequest(stack, 'acme', 'legacy-client-01', current)).status).toBe(200);
    expect((await tokenRequest(stack, 'acme', 'legacy-client-01', previous)).status).toBe(200);
    const secrets = (await admin('GET', '/tenants/acme/oauth-clients/legacy-client-01')).json.secrets as Json[];
    expect(secrets).toEqual([
      { id: `sec_${hashClientSecret(previous).slice(0, 12)}`, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: expect.any(String) },
      { id: `sec_${hashClientSecret(current).slice(0, 12)}`, createdAt: '2026-02-01T00:00:00.000Z' },
    ]);
    expect((await admin('POST', '/tenants/acme/oauth-clients/legacy-client-01/secrets')).status).toBe(409);
    expect((await admin('DELETE', `/tenants/acme/oauth-clients/legacy-client-01/secrets/${secrets[0]?.id}`)).status).toBe(204);
    const fresh = await admin('POST', '/tenants/acme/oauth-clients/legacy-client-01/secrets');
    expect(fresh.status).toBe(201);
    expect((await tokenRequest(stack, 'acme', 'legacy-client-01', previous)).status).toBe(401);
    expect((await tokenRequest(stack, 'acme', 'legacy-client-01', current)).status).toBe(200);
    expect((await tokenRequest(stack, 'acme', 'legacy-client-01', String(fresh.json.clientSecret))).status).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('declares every answer this file observed, and every OAuth client operation was exercised', async () => {
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
    const mine = /\/oauth-clients/;
    const paths = Object.entries(document.paths as Record<string, Json>).filter(([path]) => mine.test(path));
    expect(paths.flatMap(([, item]) => Object.keys(item))).toHaveLength(6);
    expect(unexercised(document, observations).filter((op) => mine.test(op))).toEqual([]);
  });
});
