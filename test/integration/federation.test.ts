/**
 * Workload identity federation over HTTP on the local stack, with a local Entra-shaped issuer
 * (test/support/local-issuer.ts, its JWKS on loopback): Microsoft's Federated_Identity_Test
 * request (with `baseAddress`) and production's `scope=scim` get a token that works on every SCIM
 * route of the tenant and nowhere else; every failed check is the same `invalid_client` (its
 * reason only in the log record), never a 5xx; the token never outlives the assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInput, NotFound } from '../../functions/commons/service-errors';
import { addFederatedCredential, removeFederatedCredential } from '../../functions/federation/federated-credentials';
import { defaultSigner } from '../../functions/signing/signer';
import { handleTokenRequest } from '../../functions/oauth/token-responses';
import { JWT_BEARER_ASSERTION_TYPE } from '../../functions/oauth/token-request';
import { setTenantStatus } from '../../functions/store/tenants';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared, unexercised } from '../support/admin-openapi';
import { startLocalIssuer, type LocalIssuer, type MintOptions } from '../support/local-issuer';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { requestFor, routeCases, type RouteFixtures } from '../support/route-requests';
import { GROUP, USER } from '../support/urns';

const A = 'acme';
const B = 'globex';
const DISABLED = 'initech';
const LONG_LIVED = 'longlived';

let stack: TestStack;
let issuer: LocalIssuer;
let elsewhere: LocalIssuer;
const clientOf: Record<string, string> = {};

const credentialFor = (who: LocalIssuer, extra: Record<string, unknown> = {}) => ({
  issuer: who.issuer,
  jwksUri: who.jwksUri(),
  subject: who.objectId,
  audiences: [who.appId, `api://${who.appId}`],
  tenantId: who.entraTenantId,
  ...extra,
});

/** Microsoft's Federated_Identity_Test: POST, only Content-Type, this form (baseAddress included). */
const microsoftBody = (tenantId: string, clientId: string, assertion: string, extra = '') =>
  `grant_type=client_credentials&client_id=${clientId}&client_assertion=${assertion}` +
  `&client_assertion_type=${encodeURIComponent(JWT_BEARER_ASSERTION_TYPE)}&baseAddress=${encodeURIComponent(stack.baseUrl(tenantId))}${extra}`;

async function requestToken(tenantId: string, body: string): Promise<{ status: number; headers: Headers; json: Json }> {
  const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/${tenantId}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Json) : {} };
}

/** The token service's log record for this request (what the token function logs). */
async function logged(tenantId: string, body: string) {
  const deps = {
    db: stack.stack.db,
    signer: defaultSigner(),
    issuer: 'urn:scim-serverless:local',
    requestsPerMinute: 1000,
    failuresPerMinute: 1000,
  };
  return (await handleTokenRequest(deps, tenantId, { contentType: 'application/x-www-form-urlencoded', authorization: undefined, body }))
    .log;
}

/** Refused over HTTP exactly like every other refusal; returns the reason the log names. */
async function refusal(tenantId: string, body: string): Promise<string | undefined> {
  const response = await requestToken(tenantId, body);
  expect({ status: response.status, json: response.json }).toEqual({
    status: 401,
    json: { error: 'invalid_client', error_description: 'Client authentication failed.' },
  });
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await logged(tenantId, body)).reason;
}

const mint = (options?: MintOptions) => issuer.mint(options);
const withToken = (token: string) => ({ authorization: `Bearer ${token}` });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  elsewhere = await startLocalIssuer();
  process.env.SCIM_FEDERATION_JWKS_HOSTS = `${issuer.host},${elsewhere.host}`;
  process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = '1000';
  // This file refuses on purpose, all from 127.0.0.1: the lock-out (oauth.md) is not what it tests.
  process.env.OAUTH_FAILED_AUTHENTICATIONS_PER_MINUTE = '1000';
  stack = await startTestStack({ tenants: [A, B, DISABLED, { tenantId: LONG_LIVED, settings: { tokenLifetimeMinutes: 360 } }] });
  for (const tenantId of [A, B, DISABLED, LONG_LIVED]) {
    clientOf[tenantId] = (
      await addFederatedCredential(stack.stack.db, tenantId, credentialFor(issuer, { id: 'entra', clientId: `${tenantId}-entra-wif` }))
    ).clientId;
  }
});
afterAll(async () => {
  await stack.stop();
  await issuer.stop();
  await elsewhere.stop();
  delete process.env.SCIM_FEDERATION_JWKS_HOSTS;
  delete process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE;
  delete process.env.OAUTH_FAILED_AUTHENTICATIONS_PER_MINUTE;
});

describe("Microsoft's Federated_Identity_Test", () => {
  it('issues a token for the exact request (baseAddress ignored), an ES256 RFC 9068 JWT of ours', async () => {
    // Entra's assertions live about 65 minutes (pranems/SCIMServer's capture: exp - iat = 3900 s).
    const response = await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint({ lifetimeSeconds: 3900 })));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'scim' });
    const header = JSON.parse(Buffer.from(String(response.json.access_token).split('.')[0] ?? '', 'base64url').toString()) as Json;
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(claimsOf(String(response.json.access_token))).toMatchObject({
      tenant: A,
      client_id: clientOf[A],
      client_auth: 'private_key_jwt',
    });
    expect(await logged(A, microsoftBody(A, clientOf[A] as string, await mint()))).toEqual({
      tenantId: A,
      clientId: clientOf[A],
      method: 'private_key_jwt',
      outcome: 'issued',
    });
  });

  it("takes production's scope=scim and an api://{appId} audience; another scope is invalid_scope", async () => {
    expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint(), '&scope=scim'))).status).toBe(200);
    const apiAudience = await mint({ claims: { aud: `api://${issuer.appId}` } });
    expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, apiAudience, '&resource=x'))).status).toBe(200);
    const other = await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint(), '&scope=admin'));
    expect({ status: other.status, error: other.json.error }).toEqual({ status: 400, error: 'invalid_scope' });
  });

  it('takes the same assertion twice (Entra reuses them: no jti, no one-time use)', async () => {
    const assertion = await mint();
    expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, assertion))).status).toBe(200);
    expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, assertion))).status).toBe(200);
  });
});

describe('the token of a federated credential', () => {
  let token: string;
  const fixtures: { -readonly [K in keyof RouteFixtures]: Json } = { user: {}, otherUser: {}, group: {} };

  beforeAll(async () => {
    token = String((await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint()))).json.access_token);
    const create = async (path: string, body: Json) => (await stack.request(A, 'POST', path, body, withToken(token))).body as Json;
    fixtures.user = await create('/Users', { schemas: [USER], userName: 'wif-user@acme.example' });
    fixtures.otherUser = await create('/Users', { schemas: [USER], userName: 'wif-other@acme.example' });
    fixtures.group = await create('/Groups', { schemas: [GROUP], displayName: 'WIF team' });
  });

  it.each(routeCases)('works on %s %s of its own tenant', async (method, path) => {
    const [concrete, body] = requestFor(fixtures, method, path);
    const response = await stack.request(A, method, concrete, body, withToken(token));
    expect({ status: response.status, ok: response.status >= 200 && response.status < 300 }).toEqual({ status: response.status, ok: true });
  });

  it.each(routeCases)('is refused on %s %s of another tenant', async (method, path) => {
    const [concrete, body] = requestFor(fixtures, method, path);
    expect((await stack.request(B, method, concrete, body, withToken(token))).status).toBe(403);
  });
});

describe('every failed check is invalid_client, the reason only in the log', () => {
  const body = async (options?: MintOptions) => microsoftBody(A, clientOf[A] as string, await mint(options));

  it.each([
    ['a wrong iss', { claims: { iss: 'https://login.microsoftonline.com/someone-else/v2.0' } }, 'assertion_bad_issuer'],
    ['a wrong aud', { claims: { aud: 'another-app' } }, 'jwt_bad_audience'],
    ['a wrong sub', { claims: { sub: 'another-principal' } }, 'assertion_bad_subject'],
    ['a wrong tid', { claims: { tid: 'another-tenant' } }, 'assertion_bad_tenant'],
    ['an expired assertion', { lifetimeSeconds: -300 }, 'jwt_expired'],
    ['an assertion not yet valid', { claims: { nbf: Math.floor(Date.now() / 1000) + 900 } }, 'jwt_not_yet_valid'],
    ['an unknown kid', { kid: 'never-published' }, 'jwks_unknown_kid'],
  ] as const)('%s', async (_name, options, reason) => {
    expect(await refusal(A, await body(options))).toBe(reason);
  });

  it('alg none, and HS256 keyed with the JWKS public key', async () => {
    expect(await refusal(A, microsoftBody(A, clientOf[A] as string, issuer.mintUnsigned()))).toBe('assertion_bad_alg');
    expect(await refusal(A, microsoftBody(A, clientOf[A] as string, await issuer.mintHs256WithPublicKey()))).toBe('assertion_bad_alg');
  });

  it("a signature by another key (under the published key's kid, and under its own)", async () => {
    const other = await issuer.newKey();
    expect(await refusal(A, await body({ key: other, kid: issuer.publishedKey.kid }))).toBe('jwt_bad_signature');
    expect(await refusal(A, await body({ key: other }))).toBe('jwks_unknown_kid');
  });

  it("a valid assertion of another issuer (its own key and claims) for this tenant's credential", async () => {
    // Its kid is not in this credential's JWKS: nothing to verify it with.
    expect(await refusal(A, microsoftBody(A, clientOf[A] as string, await elsewhere.mint()))).toBe('jwks_unknown_kid');
  });

  it("tenant A's credential at tenant B's endpoint", async () => {
    expect(await refusal(B, microsoftBody(B, clientOf[A] as string, await mint()))).toBe('assertion_unknown_client');
  });

  it('no client_id, or an unknown one', async () => {
    const assertion = await mint();
    const withoutClient = `grant_type=client_credentials&client_assertion=${assertion}&client_assertion_type=${encodeURIComponent(JWT_BEARER_ASSERTION_TYPE)}`;
    expect(await refusal(A, withoutClient)).toBe('assertion_no_client_id');
    expect(await refusal(A, microsoftBody(A, 'nobody-of-ours', assertion))).toBe('assertion_unknown_client');
  });

  it("a paused or disabled tenant's credential", async () => {
    await setTenantStatus(stack.stack.db, DISABLED, 'paused');
    // Paused (admin API): every credential of the tenant gets the same retryable 503 and no token.
    const paused = await requestToken(DISABLED, microsoftBody(DISABLED, clientOf[DISABLED] as string, await mint()));
    expect({ status: paused.status, error: paused.json.error, token: paused.json.access_token }).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
      token: undefined,
    });
    await setTenantStatus(stack.stack.db, DISABLED, 'disabled');
    expect(await refusal(DISABLED, microsoftBody(DISABLED, clientOf[DISABLED] as string, await mint()))).toBe('tenant_inactive');
  });

  it('a JWKS host that is no longer allowed when the credential is used (and one never allowed is refused when declared)', async () => {
    const moved = await addFederatedCredential(stack.stack.db, A, credentialFor(elsewhere));
    const assertion = await elsewhere.mint();
    expect((await requestToken(A, microsoftBody(A, moved.clientId, assertion))).status).toBe(200);
    process.env.SCIM_FEDERATION_JWKS_HOSTS = issuer.host;
    try {
      expect(await refusal(A, microsoftBody(A, moved.clientId, assertion))).toBe('jwks_host_not_allowed');
      await expect(addFederatedCredential(stack.stack.db, A, credentialFor(elsewhere))).rejects.toThrow(InvalidInput);
      await expect(
        addFederatedCredential(stack.stack.db, A, credentialFor(issuer, { jwksUri: 'https://metadata.internal/keys' })),
      ).rejects.toThrow(/not allowed/);
    } finally {
      process.env.SCIM_FEDERATION_JWKS_HOSTS = `${issuer.host},${elsewhere.host}`;
    }
  });

  it('malformed forms are invalid_request', async () => {
    const assertion = await mint();
    for (const form of [
      `grant_type=client_credentials&client_id=${clientOf[A]}&client_assertion=${assertion}`,
      `grant_type=client_credentials&client_id=${clientOf[A]}&client_assertion=${assertion}&client_assertion_type=urn%3Aother`,
      `${microsoftBody(A, clientOf[A] as string, assertion)}&client_secret=${'x'.repeat(43)}`,
    ]) {
      const response = await requestToken(A, form);
      expect({ status: response.status, error: response.json.error }).toEqual({ status: 400, error: 'invalid_request' });
    }
  });
});

describe('the JWKS host down', () => {
  it('a cached kid still gets a token; an unseen kid (or a JWKS never fetched) is invalid_client, never a 5xx', async () => {
    expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint()))).status).toBe(200);
    const cold = await addFederatedCredential(stack.stack.db, A, credentialFor(issuer, { jwksUri: issuer.jwksUri('cold-tenant') }));
    issuer.setDown(true);
    try {
      expect((await requestToken(A, microsoftBody(A, clientOf[A] as string, await mint()))).status).toBe(200);
      const unseen = await issuer.newKey();
      expect(await refusal(A, microsoftBody(A, clientOf[A] as string, await mint({ key: unseen })))).toMatch(
        /^jwks_(unknown_kid|unavailable)$/,
      );
      expect(await refusal(A, microsoftBody(A, cold.clientId, await mint()))).toBe('jwks_unavailable');
    } finally {
      issuer.setDown(false);
    }
  });
});

describe('removing a credential', () => {
  it('refuses its next token request and the access token it already got', async () => {
    const credential = await addFederatedCredential(stack.stack.db, A, credentialFor(issuer, { id: 'short-lived' }));
    const token = String((await requestToken(A, microsoftBody(A, credential.clientId, await mint()))).json.access_token);
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(token))).status).toBe(200);
    await removeFederatedCredential(stack.stack.db, A, 'short-lived');
    expect(await refusal(A, microsoftBody(A, credential.clientId, await mint()))).toBe('assertion_unknown_client');
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(token))).status).toBe(401);
    await expect(removeFederatedCredential(stack.stack.db, A, 'short-lived')).rejects.toThrow(NotFound);
  });
});

describe('token lifetime', () => {
  it("is capped at the assertion's remaining lifetime: a 10-minute assertion gives at most 10 minutes", async () => {
    const assertion = await mint({ lifetimeSeconds: 600 });
    const response = await requestToken(LONG_LIVED, microsoftBody(LONG_LIVED, clientOf[LONG_LIVED] as string, assertion));
    expect(response.status).toBe(200);
    expect(response.json.expires_in).toBeLessThanOrEqual(600);
    expect(response.json.expires_in).toBeGreaterThan(500);
    expect(claimsOf(String(response.json.access_token)).exp).toBeLessThanOrEqual(claimsOf(assertion).exp);
  });

  it("is the tenant's configured lifetime when the assertion outlives it", async () => {
    const response = await requestToken(
      LONG_LIVED,
      microsoftBody(LONG_LIVED, clientOf[LONG_LIVED] as string, await mint({ lifetimeSeconds: 86_400 })),
    );
    expect(response.json.expires_in).toBe(360 * 60);
  });

  it('an assertion expired within the clock skew leaves no lifetime: invalid_client', async () => {
    expect(await refusal(A, microsoftBody(A, clientOf[A] as string, await mint({ lifetimeSeconds: -10 })))).toBe('jwt_expired');
  });
});

describe('discovery', () => {
  it('serves RFC 8414 metadata without credentials at both locations, naming the token endpoint and private_key_jwt', async () => {
    const root = `http://127.0.0.1:${stack.stack.port}`;
    for (const path of [`/.well-known/oauth-authorization-server/tenants/${A}`, `/tenants/${A}/.well-known/oauth-authorization-server`]) {
      const response = await fetch(`${root}${path}`);
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Json;
      expect(metadata).toMatchObject({
        issuer: expect.stringMatching(new RegExp(`/tenants/${A}$`)),
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
      });
      expect(metadata.token_endpoint).toBe(`${metadata.issuer}/oauth2/token`);
      // The advertised token endpoint is the one that works.
      const token = await fetch(String(metadata.token_endpoint).replace(/^http:\/\/[^/]+/, root), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: microsoftBody(A, clientOf[A] as string, await mint()),
      });
      expect(token.status).toBe(200);
    }
  });

  it('answers only GET there (another method is 404, as for a resource the API does not have), and a malformed tenant id is 404', async () => {
    const root = `http://127.0.0.1:${stack.stack.port}`;
    expect((await fetch(`${root}/tenants/${A}/.well-known/oauth-authorization-server`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${root}/.well-known/oauth-authorization-server/tenants/NOT_A_TENANT`)).status).toBe(404);
  });

  it('/ServiceProviderConfig names federation among the authentication schemes', async () => {
    const response = await stack.request(A, 'GET', '/ServiceProviderConfig');
    const schemes = (response.body as Json).authenticationSchemes as Json[];
    const federation = schemes.find((scheme) => String(scheme.name).includes('workload identity federation'));
    expect(federation).toMatchObject({ type: 'oauthbearertoken', specUri: 'https://www.rfc-editor.org/rfc/rfc7523', primary: false });
    expect(federation?.description).toContain(`/tenants/${A}/.well-known/oauth-authorization-server`);
  });
});

describe('the admin API', () => {
  const observations: Observation[] = [];
  const admin = adminCaller(() => stack, observations);
  const path = `/tenants/${A}/federated-credentials`;

  it('POST adds a credential (clientId generated) that gets a token; GET lists it; DELETE stops it and its token', async () => {
    const created = await admin('POST', path, { id: 'by-api', ...credentialFor(issuer) });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'by-api', clientId: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), source: 'admin' });
    expect(created.headers.get('location')).toMatch(new RegExp(`/admin/v1${path}/by-api$`));
    const clientId = String(created.json.clientId);
    const token = await requestToken(A, microsoftBody(A, clientId, await mint()));
    expect(token.status).toBe(200);

    const listed = await admin('GET', path);
    expect(listed.status).toBe(200);
    expect((listed.json.items as Json[]).map((item) => item.id)).toContain('by-api');

    expect((await admin('DELETE', `${path}/by-api`)).status).toBe(204);
    expect(await refusal(A, microsoftBody(A, clientId, await mint()))).toBe('assertion_unknown_client');
    const access = withToken(String(token.json.access_token));
    expect((await stack.request(A, 'GET', '/Users', undefined, access)).status).toBe(401);
  });

  it('answers mistakes as problems: a JWKS host not allowed and an unknown member (400, naming the path), a taken id (409), an unknown tenant or credential (404)', async () => {
    const badHost = await admin('POST', path, credentialFor(issuer, { jwksUri: 'https://169.254.169.254/keys' }));
    expect(badHost.status).toBe(400);
    expect(badHost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(badHost.json)).toMatch(/jwksUri/);
    expect((await admin('POST', path, { ...credentialFor(issuer), secret: 'x' })).status).toBe(400);
    expect((await admin('POST', path, { ...credentialFor(issuer), audiences: [] })).status).toBe(400);
    expect((await admin('POST', path, { id: 'taken', ...credentialFor(issuer) })).status).toBe(201);
    expect((await admin('POST', path, { id: 'taken', ...credentialFor(issuer) })).status).toBe(409);
    expect((await admin('POST', '/tenants/nobody/federated-credentials', credentialFor(issuer))).status).toBe(404);
    expect((await admin('GET', '/tenants/nobody/federated-credentials')).status).toBe(404);
    expect((await admin('DELETE', `${path}/never-was`)).status).toBe(404);
  });

  it('answers only what the OpenAPI document declares', async () => {
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
    expect(unexercised(document, observations).filter((operation) => operation.includes('federated-credentials'))).toEqual([]);
  });
});
