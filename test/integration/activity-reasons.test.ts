/**
 * The reason codes no other test showed (docs/activity.md "Reason codes"), one case each over HTTP:
 * a paused tenant's refusals say `tenant_paused` (the vendor's decision, not an outage: never
 * `unavailable`), at the SCIM URL and at the token endpoint; a revoked secret token; access tokens
 * that are malformed, signed with another algorithm or carry the wrong claims; a token request with
 * no client authentication; a method the endpoint does not serve; and more. Each case sends one
 * request and reads the newest failure recorded in the tenant whose URL was called. One test
 * fails when a code has neither a case here nor a test elsewhere that records it (or a stated reason).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import type { ActivityRecord } from '../../functions/activity/activity-record';
import { REASON_CODES, type ReasonCode } from '../../functions/activity/reason-codes';
import { MAX_PAYLOAD_BYTES } from '../../functions/provisioning/limits';
import { readFileSync } from 'node:fs';
import { USER } from '../support/urns';
import { tenantActivity } from '../../functions/activity/activity-service';
import { addClient } from '../../functions/credentials/client-service';
import type { ClientCredentials } from '../../functions/credentials/client-credentials';
import { generateToken, hashToken } from '../../functions/credentials/secret-token';
import { issueAccessToken } from '../../functions/oauth/access-token';
import { localSigner } from '../../functions/signing/local-signer';
import { environment } from '../../functions/commons/environment';
import { setTenantStatus } from '../../functions/store/tenants';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { adminCaller } from '../support/admin-api';

const A = 'acme';
const PAUSED = 'pausedco';

let stack: TestStack;
const admin = adminCaller(() => stack);
let clientOfPaused: ClientCredentials;
let clientOfA: ClientCredentials;

const secretTokenId = (token: string) => `tok_${hashToken(token).slice(0, 12)}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const requestToken = (tenantId: string, fields: Record<string, string>) =>
  fetch(`${stack.stack.url}/tenants/${tenantId}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
const accessToken = async (issuer: string, inSeconds = 0) =>
  (
    await issueAccessToken(localSigner(environment.oauthLocalKeyFile() as string), {
      issuer,
      tenantId: A,
      clientId: clientOfA.clientId,
      lifetimeSeconds: 600,
      issuedAt: Math.floor(Date.now() / 1000) + inSeconds,
    })
  ).accessToken;

async function newestFailure(tenantId: string): Promise<ActivityRecord | undefined> {
  await stack.stack.drainStreams();
  return (await tenantActivity(stack.stack.db, tenantId, { outcome: 'failure', limit: 1 })).records[0];
}

beforeAll(async () => {
  stack = await startTestStack({ tenants: [A, PAUSED] });
  clientOfA = await addClient(stack.stack.db, A);
  clientOfPaused = await addClient(stack.stack.db, PAUSED);
  await setTenantStatus(stack.stack.db, PAUSED, 'paused');
});
afterAll(async () => stack.stop());

interface ReasonCase {
  readonly code: ReasonCode;
  readonly how: string;
  readonly tenant: string;
  /** Sends the request; returns its status and what the record must also hold. */
  readonly send: () => Promise<{ status: number; record?: Partial<ActivityRecord> }>;
  readonly status: number;
}

const CASES: readonly ReasonCase[] = [
  {
    code: 'tenant_paused',
    how: 'a SCIM request to a paused tenant (503), naming its own token',
    tenant: PAUSED,
    status: 503,
    send: async () => ({
      status: (await stack.request(PAUSED, 'GET', '/Users')).status,
      record: { operation: 'read', route: 'GET /Users', credentialId: secretTokenId(stack.token(PAUSED)) },
    }),
  },
  {
    code: 'tenant_paused',
    how: "a paused tenant's client asking for a token (503), naming the client",
    tenant: PAUSED,
    status: 503,
    send: async () => ({
      status: (
        await requestToken(PAUSED, {
          grant_type: 'client_credentials',
          client_id: clientOfPaused.clientId,
          client_secret: clientOfPaused.clientSecret,
        })
      ).status,
      record: { route: 'POST /oauth2/token', credentialId: clientOfPaused.clientId },
    }),
  },
  {
    code: 'tenant_paused',
    how: 'a paused tenant called with a method the endpoint does not serve (503 before 405)',
    tenant: PAUSED,
    status: 503,
    send: async () => ({
      status: (await stack.request(PAUSED, 'POST', '/ServiceProviderConfig', {})).status,
      record: { route: 'POST /ServiceProviderConfig' },
    }),
  },
  {
    code: 'token_revoked',
    how: 'a secret token revoked through the admin API (its tombstone names it)',
    tenant: A,
    status: 401,
    send: async () => {
      const issued = await admin('POST', `/tenants/${A}/tokens`);
      const token = String(issued.json.token);
      expect((await stack.request(A, 'GET', '/Users', undefined, bearer(token))).status).toBe(200);
      expect((await admin('DELETE', `/tenants/${A}/tokens/${String(issued.json.id)}`)).status).toBe(204);
      return {
        status: (await stack.request(A, 'GET', '/Users', undefined, bearer(token))).status,
        record: { credentialId: secretTokenId(token) },
      };
    },
  },
  {
    code: 'token_unknown',
    // Right after the revoked case: this record, newer than that one, is not token_revoked.
    how: 'a secret token never issued (still unknown, not revoked)',
    tenant: A,
    status: 401,
    send: async () => ({ status: (await stack.request(A, 'GET', '/Users', undefined, bearer(generateToken()))).status }),
  },
  {
    code: 'jwt_malformed',
    how: 'an access token of the right shape whose header is not JSON',
    tenant: A,
    status: 401,
    send: async () => {
      const garbled = `eyJ${'A'.repeat(20)}.eyJ${'B'.repeat(20)}.${'C'.repeat(86)}`;
      return { status: (await stack.request(A, 'GET', '/Users', undefined, bearer(garbled))).status };
    },
  },
  {
    code: 'jwt_bad_algorithm',
    how: 'an access token signed with HS512 (its signature as long as an ES256 one)',
    tenant: A,
    status: 401,
    send: async () => {
      const token = await new SignJWT({ tenant: A, client_id: clientOfA.clientId })
        .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
        .setIssuer(environment.oauthIssuer())
        .setAudience(`${environment.oauthIssuer()}/tenants/${A}/scim/v2`)
        .setSubject(clientOfA.clientId)
        .setJti('j1')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(randomBytes(64));
      return { status: (await stack.request(A, 'GET', '/Users', undefined, bearer(token))).status };
    },
  },
  {
    code: 'jwt_bad_claims',
    how: 'an access token signed by this service for another issuer',
    tenant: A,
    status: 401,
    send: async () => ({
      status: (await stack.request(A, 'GET', '/Users', undefined, bearer(await accessToken('https://elsewhere.example')))).status,
    }),
  },
  {
    code: 'client_auth_malformed',
    how: 'a token request with no client authentication at all',
    tenant: A,
    status: 401,
    send: async () => ({
      status: (await requestToken(A, { grant_type: 'client_credentials' })).status,
      record: { route: 'POST /oauth2/token' },
    }),
  },
  {
    code: 'method_not_allowed',
    how: 'a method the endpoint does not serve (POST /ServiceProviderConfig)',
    tenant: A,
    status: 405,
    send: async () => ({
      status: (await stack.request(A, 'POST', '/ServiceProviderConfig', {})).status,
      record: { route: 'POST /ServiceProviderConfig' },
    }),
  },
  {
    code: 'jwt_not_yet_valid',
    how: 'an access token of this service issued an hour in the future',
    tenant: A,
    status: 401,
    send: async () => ({
      status: (await stack.request(A, 'GET', '/Users', undefined, bearer(await accessToken(environment.oauthIssuer(), 3600)))).status,
    }),
  },
  {
    code: 'precondition_failed',
    how: 'a PUT whose If-Match names another version',
    tenant: A,
    status: 412,
    send: async () => {
      const created = await stack.request(A, 'POST', '/Users', { schemas: [USER], userName: 'etag@example.com' });
      const id = String((created.body as Json).id);
      const put = await stack.request(
        A,
        'PUT',
        `/Users/${id}`,
        { schemas: [USER], userName: 'etag@example.com' },
        { 'if-match': 'W/"nope"' },
      );
      return { status: put.status, record: { resourceId: id, route: 'PUT /Users/{id}' } };
    },
  },
  {
    code: 'too_large',
    how: 'a body over the payload limit',
    tenant: A,
    status: 413,
    send: async () => ({
      status: (await stack.request(A, 'POST', '/Users', { schemas: [USER], userName: 'big@example.com', x: 'x'.repeat(MAX_PAYLOAD_BYTES) }))
        .status,
    }),
  },
  {
    code: 'invalid_request',
    how: 'a token request without grant_type',
    tenant: A,
    status: 400,
    send: async () => ({
      status: (await requestToken(A, { client_id: clientOfA.clientId })).status,
      record: { route: 'POST /oauth2/token' },
    }),
  },
  {
    code: 'unsupported_grant_type',
    how: 'a token request for the password grant',
    tenant: A,
    status: 400,
    send: async () => ({ status: (await requestToken(A, { grant_type: 'password' })).status }),
  },
  {
    code: 'invalid_scope',
    how: 'a token request for another scope, naming the client',
    tenant: A,
    status: 400,
    send: async () => ({
      status: (
        await requestToken(A, {
          grant_type: 'client_credentials',
          client_id: clientOfA.clientId,
          client_secret: clientOfA.clientSecret,
          scope: 'admin',
        })
      ).status,
      record: { credentialId: clientOfA.clientId },
    }),
  },
];

/**
 * Every other code, and the test file whose records show it (checked to name it as a record's reason or a health entry's lastRefusalReason),
 * or why no record can show it. A code added to REASON_CODES without a case or an entry here fails below.
 */
const SHOWN_ELSEWHERE: Readonly<Partial<Record<ReasonCode, string>>> = {
  token_unknown: 'test/integration/activity.test.ts',
  token_expired: 'test/integration/activity.test.ts',
  jwt_bad_signature: 'test/integration/activity.test.ts',
  jwt_expired: 'test/integration/activity.test.ts',
  credential_other_tenant: 'test/integration/activity.test.ts',
  tenant_disabled: 'test/integration/activity.test.ts',
  client_unknown: 'test/integration/activity.test.ts',
  client_revoked: 'test/integration/activity.test.ts',
  client_secret_mismatch: 'test/integration/activity.test.ts',
  not_found: 'test/integration/activity.test.ts',
  uniqueness: 'test/integration/activity.test.ts',
  invalid_request_body: 'test/integration/activity-bulk.test.ts',
  rate_limited: 'test/integration/activity-health.test.ts',
};
const NOT_SHOWN: Readonly<Partial<Record<ReasonCode, string>>> = {
  tenant_unknown: 'no tenant to record it in: the log line only',
  jwt_bad_audience:
    "a client assertion's wrong aud at the token endpoint: federation.test.ts shows it in the log line only; an access token's wrong audience is jwt_bad_claims",
  conflict: 'a lost concurrent write: only the unit test of reasonOfStatus',
  throttled: 'DynamoDB throttling (429): only the unit test of reasonOfStatus',
  unavailable: 'a dependency outage (503): only the unit test of reasonOfStatus',
  server_error: 'an unexpected 500: only the unit test of reasonOfStatus',
  request_refused: 'any other status: only the unit test of reasonOfStatus',
};

it('every reason code has a case here, a test that records it, or the reason no record shows it', () => {
  const here = new Set<string>(CASES.map((c) => c.code));
  const missing = Object.keys(REASON_CODES).filter((code) => !here.has(code) && !(code in SHOWN_ELSEWHERE) && !(code in NOT_SHOWN));
  expect(missing).toEqual([]);
  for (const [code, file] of Object.entries(SHOWN_ELSEWHERE)) {
    expect([code, new RegExp(`[rR]eason: '${code}'`).test(readFileSync(file as string, 'utf8'))]).toEqual([code, true]);
  }
});

it.each(CASES.map((c) => [c.code, c.how, c] as const))('%s: %s', async (code, _how, reasonCase) => {
  const { status, record } = await reasonCase.send();
  expect(status).toBe(reasonCase.status);
  expect(await newestFailure(reasonCase.tenant)).toMatchObject({ status: reasonCase.status, reason: code, ...record });
});
