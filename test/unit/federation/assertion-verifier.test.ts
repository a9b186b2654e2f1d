/**
 * The client-assertion verifier on the request shapes Entra sends (test/support/local-issuer.ts,
 * keys served over real HTTP on loopback): every check refuses with its own reason code, and
 * the JWKS cache serves, refreshes and rate-limits as documented (time passed in, not waited for).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AssertionRefused, verifyClientAssertion } from '../../../functions/federation/assertion-verifier';
import { checkJwksUri } from '../../../functions/federation/jwks-uri';
import { clearJwksCache, KeyUnavailable, signingKey } from '../../../functions/federation/jwks-cache';
import type { FederatedCredentialRecord } from '../../../functions/store/key-reads';
import { startLocalIssuer, type LocalIssuer } from '../../support/local-issuer';

let issuer: LocalIssuer;
let credential: FederatedCredentialRecord;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  process.env.SCIM_FEDERATION_JWKS_HOSTS = issuer.host;
  credential = {
    tenantId: 'acme',
    id: 'entra',
    clientId: 'acme-entra-client',
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri(),
    subject: issuer.objectId,
    audiences: [issuer.appId, `api://${issuer.appId}`],
    entraTenantId: issuer.entraTenantId,
    source: 'admin',
    createdAt: new Date().toISOString(),
  };
});
afterAll(async () => {
  delete process.env.SCIM_FEDERATION_JWKS_HOSTS;
  await issuer.stop();
});
beforeEach(() => {
  clearJwksCache();
  issuer.setDown(false);
  issuer.setMisbehaviour(undefined);
});

async function reasonOf(assertion: string, against: FederatedCredentialRecord = credential): Promise<string> {
  try {
    await verifyClientAssertion(assertion, against);
    return 'accepted';
  } catch (error) {
    if (error instanceof AssertionRefused) return error.reason;
    throw error;
  }
}

describe('verifyClientAssertion', () => {
  it("accepts Entra's shape with a bare app id or api://{appId} as the audience, and returns its expiry", async () => {
    const assertion = await issuer.mint({ lifetimeSeconds: 600 });
    const verified = await verifyClientAssertion(assertion, credential);
    expect(verified.expiresAt).toBe(JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()).exp);
    expect(await reasonOf(await issuer.mint({ claims: { aud: `api://${issuer.appId}` } }))).toBe('accepted');
    // Entra reuses its assertions: no jti, no one-time use.
    expect(await reasonOf(assertion)).toBe('accepted');
  });

  it('accepts an ES256 key, and without a tenantId on the credential any tid', async () => {
    const ec = await issuer.newKey('ES256');
    await issuer.publish(ec);
    expect(
      await reasonOf(await issuer.mint({ key: ec, claims: { tid: 'someone-else' } }), {
        ...credential,
        entraTenantId: undefined,
      } as FederatedCredentialRecord),
    ).toBe('accepted');
  });

  it.each([
    ['a wrong iss', { claims: { iss: 'https://login.microsoftonline.com/another/v2.0' } }, 'assertion_bad_issuer'],
    ['a wrong aud', { claims: { aud: 'another-app' } }, 'jwt_bad_audience'],
    ['a wrong sub', { claims: { sub: 'another-principal' } }, 'assertion_bad_subject'],
    ['a wrong tid', { claims: { tid: 'another-tenant' } }, 'assertion_bad_tenant'],
    ['no tid', { claims: { tid: undefined } }, 'assertion_bad_tenant'],
    ['no sub', { claims: { sub: undefined } }, 'jwt_missing_claim'],
    ['no exp', { claims: { exp: undefined } }, 'jwt_missing_claim'],
    ['an exp past the skew', { lifetimeSeconds: -120 }, 'jwt_expired'],
    ['an nbf beyond the skew', { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }, 'jwt_not_yet_valid'],
    ['an unknown kid', { kid: 'not-published' }, 'jwks_unknown_kid'],
  ] as const)('refuses %s', async (_name, options, reason) => {
    expect(await reasonOf(await issuer.mint(options))).toBe(reason);
  });

  it('refuses alg none and HS256 keyed with the public key, before any key is fetched', async () => {
    const before = issuer.fetches;
    expect(await reasonOf(issuer.mintUnsigned())).toBe('assertion_bad_alg');
    expect(await reasonOf(await issuer.mintHs256WithPublicKey())).toBe('assertion_bad_alg');
    expect(issuer.fetches).toBe(before);
  });

  it("refuses a signature by another key under the published key's kid", async () => {
    const other = await issuer.newKey();
    expect(await reasonOf(await issuer.mint({ key: other, kid: issuer.publishedKey.kid }))).toBe('jwt_bad_signature');
  });

  it('refuses an ES256 header over an RSA key, garbage, and a header without kid', async () => {
    const ec = await issuer.newKey('ES256');
    expect(await reasonOf(await issuer.mint({ key: ec, kid: issuer.publishedKey.kid }))).toBe('jwt_bad_signature');
    expect(await reasonOf('not.a.jwt!')).toBe('assertion_malformed');
    expect(await reasonOf('eyJhbGciOiJSUzI1NiJ9.e30.AAAA')).toBe('assertion_no_kid');
  });

  it('refuses a JWKS host that is not allowed, without fetching', async () => {
    const before = issuer.fetches;
    expect(await reasonOf(await issuer.mint(), { ...credential, jwksUri: 'https://evil.example/keys' })).toBe('jwks_host_not_allowed');
    expect(
      await reasonOf(await issuer.mint(), {
        ...credential,
        jwksUri: `https://${issuer.host}/x/discovery/v2.0/keys`.replace('127.0.0.1', '127.0.0.2'),
      }),
    ).toBe('jwks_host_not_allowed');
    expect(issuer.fetches).toBe(before);
  });
});

describe('JWKS URIs', () => {
  it("allows Microsoft's hosts over https, loopback over http only when listed, nothing else", () => {
    expect(checkJwksUri('https://login.microsoftonline.com/t/discovery/v2.0/keys')).toBeInstanceOf(URL);
    expect(checkJwksUri('https://login.windows.net/t/discovery/v2.0/keys')).toBeInstanceOf(URL);
    expect(checkJwksUri('http://login.microsoftonline.com/t/discovery/v2.0/keys')).toMatch(/https/);
    expect(checkJwksUri('https://login.microsoftonline.com.evil.example/keys')).toMatch(/not allowed/);
    expect(checkJwksUri('https://user:pw@login.microsoftonline.com/keys')).toMatch(/credentials/);
    expect(checkJwksUri(issuer.jwksUri())).toBeInstanceOf(URL);
    expect(checkJwksUri(issuer.jwksUri(), ['login.microsoftonline.com'])).toMatch(/not allowed/);
    expect(checkJwksUri('http://169.254.169.254/latest/meta-data', ['169.254.169.254'])).toMatch(/https/);
    expect(checkJwksUri('not a url')).toMatch(/not a URL/);
  });
});

describe('the JWKS cache', () => {
  const NOW = Math.floor(Date.now() / 1000);

  it('fetches once, then serves a known kid from the cache', async () => {
    const before = issuer.fetches;
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW);
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW + 10);
    expect(issuer.fetches - before).toBe(1);
  });

  it('refetches for an unknown kid at most once per refetch interval (60 s by default)', async () => {
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW);
    const rotated = await issuer.newKey();
    await issuer.publish(rotated);
    const before = issuer.fetches;
    await expect(signingKey(issuer.jwksUri(), rotated.kid, 'RS256', NOW + 5)).rejects.toEqual(new KeyUnavailable('jwks_unknown_kid'));
    expect(issuer.fetches).toBe(before);
    await signingKey(issuer.jwksUri(), rotated.kid, 'RS256', NOW + 61);
    expect(issuer.fetches).toBe(before + 1);
  });

  it('serves a cached kid while the host is down, up to the maximum staleness (24 h by default)', async () => {
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW);
    issuer.setDown(true);
    // Past the refresh age (1 h): a refresh is tried, fails, and the cached key still answers.
    const before = issuer.fetches;
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW + 7200);
    expect(issuer.fetches).toBe(before + 1);
    await expect(signingKey(issuer.jwksUri(), 'unseen', 'RS256', NOW + 7300)).rejects.toEqual(new KeyUnavailable('jwks_unavailable'));
    await expect(signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW + 86_401)).rejects.toEqual(
      new KeyUnavailable('jwks_unavailable'),
    );
    issuer.setDown(false);
    await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW + 86_500);
  });

  it.each(['huge', 'redirect', 'hang'] as const)(
    'treats a JWKS that is %s as unavailable (64 KiB, no redirects, 3 s)',
    async (misbehaviour) => {
      issuer.setMisbehaviour(misbehaviour);
      await expect(signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW)).rejects.toEqual(
        new KeyUnavailable('jwks_unavailable'),
      );
      issuer.setMisbehaviour(undefined);
      // The failed attempt counts against the refetch interval; a minute later the host is asked again.
      await signingKey(issuer.jwksUri(), issuer.publishedKey.kid, 'RS256', NOW + 61);
    },
  );

  it('treats a JWKS URI that answers an error as unavailable', async () => {
    await expect(signingKey(`http://${issuer.host}/nothing-here`, 'k', 'RS256', NOW)).rejects.toEqual(
      new KeyUnavailable('jwks_unavailable'),
    );
  });
});
