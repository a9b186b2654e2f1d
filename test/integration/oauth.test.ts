/**
 * OAuth 2.0 client credentials over HTTP on the local stack: Microsoft's gallery validator's exact
 * token request, HTTP Basic, every RFC 6749 §5.2 error, the access token on every SCIM route of its
 * own tenant and nowhere else, revocation, rotation overlap, disabled tenants and the throttle.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addClient, addClientSecret, revokeClientSecret, revokeTenantClient } from '../../functions/credentials/client-service';
import type { ClientCredentials } from '../../functions/credentials/client-credentials';
import { setTenantStatus } from '../../functions/store/tenants';
import { defaultSigner } from '../../functions/signing/signer';
import { handleTokenRequest } from '../../functions/oauth/token-responses';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { requestFor as requestForRoute, routeCases } from '../support/route-requests';
import { GROUP, USER } from '../support/urns';

const A = 'acme';
const B = 'globex';
const DISABLED = 'initech';
const THROTTLED = 'hooli';
const NEIGHBOUR = 'umbrella';
const LONG_LIVED = 'longlived';

let stack: TestStack;
let clientOfA: ClientCredentials;
let clientOfB: ClientCredentials;

const tokenUrl = (tenantId: string) => `http://127.0.0.1:${stack.stack.port}/tenants/${tenantId}/oauth2/token`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

interface TokenResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Json;
}

/** What Microsoft's validator sends: POST, only Content-Type, the form body. */
async function requestToken(tenantId: string, body: string, headers: Record<string, string> = {}): Promise<TokenResponse> {
  const response = await fetch(tokenUrl(tenantId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Json) : {} };
}

const credentialsBody = (client: ClientCredentials, extra: Record<string, string> = {}) =>
  form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, ...extra });

async function accessToken(tenantId: string, client: ClientCredentials): Promise<string> {
  const response = await requestToken(tenantId, credentialsBody(client));
  expect(response.status).toBe(200);
  return String(response.json.access_token);
}

const withToken = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  stack = await startTestStack({
    tenants: [A, B, DISABLED, THROTTLED, NEIGHBOUR, { tenantId: LONG_LIVED, settings: { tokenLifetimeMinutes: 360 } }],
  });
  clientOfA = await addClient(stack.stack.db, A);
  clientOfB = await addClient(stack.stack.db, B);
});
afterAll(async () => stack.stop());

describe("Microsoft's gallery validator flow", () => {
  it('issues a token for the exact request and GET /Users?startIndex=1&count=1 with it is 2xx', async () => {
    const response = await requestToken(
      A,
      `grant_type=client_credentials&client_id=${clientOfA.clientId}&client_secret=${clientOfA.clientSecret}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json.token_type).toBe('Bearer');
    expect(typeof response.json.access_token).toBe('string');
    expect(String(response.json.access_token).length).toBeGreaterThan(0);
    expect(response.json.expires_in).toBeGreaterThanOrEqual(3600);
    expect(response.json.expires_in).toBeLessThanOrEqual(21600);

    const users = await stack.request(A, 'GET', '/Users?startIndex=1&count=1', undefined, withToken(String(response.json.access_token)));
    expect(users.status).toBe(200);
    expect((users.body as Json).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  it("gives the tenant's configured token lifetime (settings.tokenLifetimeMinutes)", async () => {
    const client = await addClient(stack.stack.db, LONG_LIVED);
    const response = await requestToken(LONG_LIVED, credentialsBody(client));
    expect(response.json.expires_in).toBe(21600);
    const claims = JSON.parse(Buffer.from(String(response.json.access_token).split('.')[1] ?? '', 'base64url').toString()) as Json;
    expect(claims.exp - claims.iat).toBe(21600);
  });

  it('accepts scope=scim (an admin-configured scope)', async () => {
    const response = await requestToken(A, credentialsBody(clientOfA, { scope: 'scim' }));
    expect(response.status).toBe(200);
    expect(response.json.scope).toBe('scim');
  });

  it('accepts HTTP Basic client authentication (RFC 6749 §2.3.1)', async () => {
    const basic = Buffer.from(`${encodeURIComponent(clientOfA.clientId)}:${encodeURIComponent(clientOfA.clientSecret)}`).toString('base64');
    const response = await requestToken(A, form({ grant_type: 'client_credentials' }), { Authorization: `Basic ${basic}` });
    expect(response.status).toBe(200);
    const users = await stack.request(A, 'GET', '/Users', undefined, withToken(String(response.json.access_token)));
    expect(users.status).toBe(200);
  });

  it('lists the token endpoint and the secret token in /ServiceProviderConfig', async () => {
    const response = await stack.request(A, 'GET', '/ServiceProviderConfig', undefined, withToken(await accessToken(A, clientOfA)));
    const schemes = (response.body as Json).authenticationSchemes as Json[];
    expect(schemes.map((scheme) => scheme.type)).toEqual(['oauthbearertoken', 'oauthbearertoken', 'oauthbearertoken']);
    expect(schemes[0]?.description).toContain(`/tenants/${A}/oauth2/token`);
    expect(schemes.filter((scheme) => scheme.primary === true)).toHaveLength(1);
  });
});

describe('token endpoint errors (RFC 6749 §5.2)', () => {
  const expectError = (response: TokenResponse, status: number, error: string) => {
    expect({ status: response.status, error: response.json.error }).toEqual({ status, error });
    expect(typeof response.json.error_description).toBe('string');
    expect(response.headers.get('cache-control')).toBe('no-store');
  };

  it('a wrong secret, an unknown client and an unknown tenant are the same invalid_client', async () => {
    const wrongSecret = await requestToken(A, credentialsBody({ ...clientOfA, clientSecret: clientOfB.clientSecret }));
    const unknownClient = await requestToken(A, credentialsBody({ clientId: 'nosuchclient01', clientSecret: clientOfA.clientSecret }));
    const unknownTenant = await requestToken('nosuchtenant', credentialsBody(clientOfA));
    for (const response of [wrongSecret, unknownClient, unknownTenant]) {
      expectError(response, 401, 'invalid_client');
      // Body authentication: no Basic challenge.
      expect(response.headers.get('www-authenticate')).toBeNull();
    }
    expect(unknownClient.json).toEqual(wrongSecret.json);
    expect(unknownTenant.json).toEqual(wrongSecret.json);
  });

  it('a client of tenant A at tenant B is invalid_client', async () => {
    expectError(await requestToken(B, credentialsBody(clientOfA)), 401, 'invalid_client');
  });

  it('a wrong Basic secret is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const basic = Buffer.from(`${clientOfA.clientId}:wrong`).toString('base64');
    const response = await requestToken(A, form({ grant_type: 'client_credentials' }), { Authorization: `Basic ${basic}` });
    expectError(response, 401, 'invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('no client credentials at all is invalid_client', async () => {
    expectError(await requestToken(A, form({ grant_type: 'client_credentials' })), 401, 'invalid_client');
  });

  it.each([
    ['grant_type is missing', form({ client_id: 'x' })],
    ['a parameter is repeated', 'grant_type=client_credentials&grant_type=client_credentials&client_id=a&client_secret=b'],
  ])('invalid_request when %s', async (_why, body) => {
    expectError(await requestToken(A, body), 400, 'invalid_request');
  });

  it('invalid_request when the body is not form-encoded', async () => {
    expectError(
      await requestToken(A, JSON.stringify({ grant_type: 'client_credentials' }), { 'Content-Type': 'application/json' }),
      400,
      'invalid_request',
    );
  });

  it('invalid_request when Basic and client_secret are both used', async () => {
    const basic = Buffer.from(`${clientOfA.clientId}:${clientOfA.clientSecret}`).toString('base64');
    expectError(await requestToken(A, credentialsBody(clientOfA), { Authorization: `Basic ${basic}` }), 400, 'invalid_request');
  });

  it('refuses a body over 4 KB', async () => {
    expectError(await requestToken(A, credentialsBody(clientOfA, { padding: 'x'.repeat(8192) })), 413, 'invalid_request');
  });

  it('unsupported_grant_type for another grant', async () => {
    expectError(await requestToken(A, credentialsBody(clientOfA, { grant_type: 'password' })), 400, 'unsupported_grant_type');
  });

  it('invalid_scope for a scope other than scim', async () => {
    expectError(await requestToken(A, credentialsBody(clientOfA, { scope: 'openid' })), 400, 'invalid_scope');
  });

  it('only POST is served on the token endpoint: another method is 405 with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await fetch(tokenUrl(A), { method });
      expect({ status: response.status, allow: response.headers.get('allow') }).toEqual({ status: 405, allow: 'POST' });
    }
  });
});

describe('the access token at the SCIM API', () => {
  let token: string;
  let user: Json;
  let group: Json;
  let otherUser: Json;

  beforeAll(async () => {
    token = await accessToken(A, clientOfA);
    user = (await stack.request(A, 'POST', '/Users', { schemas: [USER], userName: 'jwt-user@acme.example' }, withToken(token)))
      .body as Json;
    otherUser = (await stack.request(A, 'POST', '/Users', { schemas: [USER], userName: 'jwt-other@acme.example' }, withToken(token)))
      .body as Json;
    group = (await stack.request(A, 'POST', '/Groups', { schemas: [GROUP], displayName: 'JWT team' }, withToken(token))).body as Json;
  });

  const requestFor = (method: string, path: string) => requestForRoute({ user, otherUser, group }, method, path);
  const cases = routeCases;

  it.each(cases)('works on %s %s of its own tenant', async (method, path) => {
    const [concrete, body] = requestFor(method, path);
    const response = await stack.request(A, method, concrete, body, withToken(token));
    expect({ status: response.status, ok: response.status >= 200 && response.status < 300 }).toEqual({ status: response.status, ok: true });
  });

  it.each(cases)('is refused on %s %s of another tenant', async (method, path) => {
    const [concrete, body] = requestFor(method, path);
    const response = await stack.request(B, method, concrete, body, withToken(token));
    expect(response.status).toBe(403);
  });

  it('is refused when tampered with, and the static token still works', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, tenant: B, aud: String(claims.aud).replace(`/${A}/`, `/${B}/`) })).toString('base64url')}.${signature}`;
    expect((await stack.request(B, 'GET', '/Users', undefined, withToken(forged))).status).toBe(401);
    expect((await stack.request(B, 'GET', '/Users')).status).toBe(200);
  });

  it('is refused when it is not a JWT of ours (the gateway pattern admits only the two shapes)', async () => {
    for (const credential of ['eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJhY21lIn0.', 'not-a-token', `${token}x`]) {
      expect((await stack.request(A, 'GET', '/Users', undefined, withToken(credential))).status).toBe(401);
    }
  });
});

describe('client lifecycle', () => {
  it('a revoked client gets invalid_client and its tokens stop working at the next request', async () => {
    const client = await addClient(stack.stack.db, A);
    const token = await accessToken(A, client);
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(token))).status).toBe(200);
    await revokeTenantClient(stack.stack.db, A, client.clientId);
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(token))).status).toBe(401);
    expect((await requestToken(A, credentialsBody(client))).status).toBe(401);
  });

  it('during a rotation both secrets work, tokens already issued keep working, and the revoked secret stops at once', async () => {
    const client = await addClient(stack.stack.db, A);
    const issuedBefore = await accessToken(A, client);
    const second = await addClientSecret(stack.stack.db, A, client.clientId);
    expect(second.clientSecret).not.toBe(client.clientSecret);
    expect((await requestToken(A, credentialsBody(client))).status).toBe(200);
    expect((await requestToken(A, credentialsBody(second))).status).toBe(200);
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(issuedBefore))).status).toBe(200);

    await revokeClientSecret(stack.stack.db, A, client.clientId, client.secretId);
    expect((await requestToken(A, credentialsBody(client))).status).toBe(401);
    expect((await requestToken(A, credentialsBody(second))).status).toBe(200);
    expect((await stack.request(A, 'GET', '/Users', undefined, withToken(issuedBefore))).status).toBe(200);
  });

  it("a disabled tenant's clients get invalid_client and its tokens are refused", async () => {
    const client = await addClient(stack.stack.db, DISABLED);
    const token = await accessToken(DISABLED, client);
    await setTenantStatus(stack.stack.db, DISABLED, 'disabled');
    expect((await requestToken(DISABLED, credentialsBody(client))).json.error).toBe('invalid_client');
    expect((await stack.request(DISABLED, 'GET', '/Users', undefined, withToken(token))).status).toBe(401);
  });
});

describe('the log record of a token request', () => {
  const deps = () => ({ db: stack.stack.db, signer: defaultSigner(), issuer: 'urn:scim-serverless:local', requestsPerMinute: 1000 });
  const raw = (body: string) => ({ contentType: 'application/x-www-form-urlencoded', authorization: undefined, body });

  it('names tenant, client and outcome, and never a secret or a token', async () => {
    const issued = await handleTokenRequest(deps(), A, raw(credentialsBody(clientOfA)));
    expect(issued.log).toEqual({ tenantId: A, clientId: clientOfA.clientId, method: 'client_secret', outcome: 'issued' });
    const text = JSON.stringify(issued.log);
    expect(text).not.toContain(clientOfA.clientSecret);
    expect(text).not.toContain(String(issued.response.body.access_token));
  });

  it('leaves out a client id that names no client (it may be a mistyped secret)', async () => {
    const secretAsId = await handleTokenRequest(deps(), A, raw(credentialsBody({ clientId: clientOfA.clientSecret, clientSecret: 'x' })));
    const refused = { tenantId: A, method: 'client_secret', outcome: 'invalid_client', reason: 'client_secret_invalid' };
    expect(secretAsId.log).toEqual(refused);
    const wrong = await handleTokenRequest(deps(), A, raw(credentialsBody({ ...clientOfA, clientSecret: 'wrong' })));
    expect(wrong.log).toEqual(refused);
  });
});

describe('faults', () => {
  it('answers 503 temporarily_unavailable with Retry-After when the signing key cannot be reached', async () => {
    const saved = { ...process.env };
    // A KMS key whose endpoint refuses connections: the signer fails, the client must retry later.
    Object.assign(process.env, {
      OAUTH_SIGNING_KEY_ARN: 'arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-0000-0000-000000000000',
      AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '1',
    });
    try {
      const response = await requestToken(A, credentialsBody(clientOfA));
      expect({ status: response.status, error: response.json.error }).toEqual({ status: 503, error: 'temporarily_unavailable' });
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.json.access_token).toBeUndefined();
    } finally {
      for (const name of [
        'OAUTH_SIGNING_KEY_ARN',
        'AWS_ENDPOINT_URL_KMS',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_MAX_ATTEMPTS',
      ]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    expect((await requestToken(A, credentialsBody(clientOfA))).status).toBe(200);
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After once a tenant exceeds its token requests per minute', async () => {
    const client = await addClient(stack.stack.db, THROTTLED);
    const neighbour = await addClient(stack.stack.db, NEIGHBOUR);
    process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = '3';
    try {
      // Eight requests span at most two one-minute windows, so one window sees at least four.
      const statuses: number[] = [];
      let limited: TokenResponse | undefined;
      for (let i = 0; i < 8; i += 1) {
        const response = await requestToken(THROTTLED, credentialsBody(client));
        statuses.push(response.status);
        if (response.status === 429) limited ??= response;
      }
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
      expect(limited?.json.error).toBe('temporarily_unavailable');
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Other tenants are not affected.
      expect((await requestToken(NEIGHBOUR, credentialsBody(neighbour))).status).toBe(200);
    } finally {
      delete process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE;
    }
  });
});
