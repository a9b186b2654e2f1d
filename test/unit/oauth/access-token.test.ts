/**
 * Issuing and verifying access tokens with a real ES256 key (the local signer): everything the
 * authorizer must refuse is refused, for the right reason.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AccessTokenRefused,
  audienceOf,
  issueAccessToken,
  verifyAccessToken,
  type VerifyOptions,
} from '../../../functions/oauth/access-token';
import { localSigner } from '../../../functions/signing/local-signer';
import type { AccessTokenSigner } from '../../../functions/signing/signer';
import { isAccessTokenShape } from '../../../functions/credentials/token-shape';
import { AUTHORIZATION_HEADER_PATTERN, bearerCredential, generateToken } from '../../../functions/credentials/secret-token';

const ISSUER = 'urn:scim-serverless:test';
const NOW = 1_800_000_000;
const options: VerifyOptions = { issuer: ISSUER, now: NOW };

let dir: string;
let signer: AccessTokenSigner;
let otherSigner: AccessTokenSigner;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'access-token-'));
  signer = localSigner(join(dir, 'key.json'));
  otherSigner = localSigner(join(dir, 'other.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const issue = (overrides: { issuedAt?: number; lifetimeSeconds?: number; tenantId?: string; with?: AccessTokenSigner } = {}) =>
  issueAccessToken(overrides.with ?? signer, {
    issuer: ISSUER,
    tenantId: overrides.tenantId ?? 'acme',
    clientId: 'client-0001',
    lifetimeSeconds: overrides.lifetimeSeconds ?? 3600,
    issuedAt: overrides.issuedAt ?? NOW,
  });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (token: string) => {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
};
/** A token with these exact header and claims, signed by `by` (as an attacker with a key would). */
async function signed(header: object, claims: object, by: AccessTokenSigner = signer): Promise<string> {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${Buffer.from(await by.sign(Buffer.from(input))).toString('base64url')}`;
}

async function refusal(token: string, verifyWith: AccessTokenSigner = signer, verifyOptions: VerifyOptions = options): Promise<string> {
  try {
    await verifyAccessToken(token, await verifyWith.publicKey(), verifyOptions);
  } catch (error) {
    if (error instanceof AccessTokenRefused) return error.reason;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('issued access tokens', () => {
  it('are RFC 9068 JWTs that verify to their tenant and client', async () => {
    const { accessToken, expiresIn } = await issue();
    const { header, claims } = partsOf(accessToken);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: signer.keyId });
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: audienceOf(ISSUER, 'acme'),
      sub: 'client-0001',
      client_id: 'client-0001',
      tenant: 'acme',
      iat: NOW,
      exp: NOW + 3600,
    });
    expect(typeof claims.jti).toBe('string');
    expect(expiresIn).toBe(3600);
    await expect(verifyAccessToken(accessToken, await signer.publicKey(), options)).resolves.toMatchObject({
      tenantId: 'acme',
      clientId: 'client-0001',
    });
  });

  it('get a fresh jti each time', async () => {
    expect(partsOf((await issue()).accessToken).claims.jti).not.toBe(partsOf((await issue()).accessToken).claims.jti);
  });

  it('match the shape the gateway admits, and nothing else does', async () => {
    const { accessToken } = await issue();
    expect(isAccessTokenShape(accessToken)).toBe(true);
    const pattern = new RegExp(AUTHORIZATION_HEADER_PATTERN);
    expect(`Bearer ${accessToken}`).toMatch(pattern);
    expect(`Bearer ${generateToken()}`).toMatch(pattern);
    expect(bearerCredential(`Bearer ${accessToken}`)?.kind).toBe('access token');
    expect(bearerCredential(`Bearer ${generateToken()}`)?.kind).toBe('secret token');
    for (const header of [
      `Bearer ${accessToken}x`,
      `Bearer ${accessToken.slice(0, -1)}`,
      `Basic ${accessToken}`,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      `Bearer a.b.c`,
    ]) {
      expect(header).not.toMatch(pattern);
    }
  });
});

describe('verification refuses', () => {
  it('an expired token, but allows a small clock skew', async () => {
    expect(await refusal((await issue({ issuedAt: NOW - 7200 })).accessToken)).toBe('expired');
    const justExpired = (await issue({ issuedAt: NOW - 3630 })).accessToken;
    await expect(verifyAccessToken(justExpired, await signer.publicKey(), options)).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('a token not valid yet (nbf beyond the skew)', async () => {
    expect(await refusal((await issue({ issuedAt: NOW + 600 })).accessToken)).toBe('not yet valid');
  });

  it('another issuer (another deployment)', async () => {
    expect(await refusal((await issue()).accessToken, signer, { issuer: 'urn:scim-serverless:other', now: NOW })).toBe('wrong claims');
  });

  it('a wrong audience', async () => {
    const { header, claims } = partsOf((await issue()).accessToken);
    expect(await refusal(await signed(header, { ...claims, aud: audienceOf(ISSUER, 'globex') }))).toBe('wrong claims');
    expect(await refusal(await signed(header, { ...claims, aud: [audienceOf(ISSUER, 'acme'), 'other'] }))).toBe('wrong claims');
  });

  it('a tenant claim that does not match the audience, or is not a tenant id', async () => {
    const { header, claims } = partsOf((await issue()).accessToken);
    expect(await refusal(await signed(header, { ...claims, tenant: 'globex' }))).toBe('wrong claims');
    expect(await refusal(await signed(header, { ...claims, tenant: '../globex', aud: audienceOf(ISSUER, '../globex') }))).toBe(
      'wrong claims',
    );
  });

  it('a sub that is not the client id', async () => {
    const { header, claims } = partsOf((await issue()).accessToken);
    expect(await refusal(await signed(header, { ...claims, sub: 'client-0002' }))).toBe('wrong claims');
  });

  it('a token without the at+jwt type', async () => {
    const { header, claims } = partsOf((await issue()).accessToken);
    expect(await refusal(await signed({ ...header, typ: 'JWT' }, claims))).toBe('wrong claims');
  });

  it('a tampered payload', async () => {
    const { accessToken } = await issue();
    const [header, , signature] = accessToken.split('.') as [string, string, string];
    const { claims } = partsOf(accessToken);
    expect(await refusal(`${header}.${b64({ ...claims, exp: NOW + 99_999 })}.${signature}`)).toBe('bad signature');
  });

  it('a token signed by another key (another deployment or tenant)', async () => {
    expect(await refusal((await issue({ with: otherSigner })).accessToken)).toBe('bad signature');
  });

  it('alg none', async () => {
    const { claims } = partsOf((await issue()).accessToken);
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
    expect(await refusal(unsigned)).toBe('malformed');
    // Even with a signature-sized tail that passes the shape check.
    expect(await refusal(`${unsigned}${'A'.repeat(86)}`)).toBe('wrong algorithm');
  });

  it('another algorithm: HS256 keyed with the public key, RS256', async () => {
    const { claims } = partsOf((await issue()).accessToken);
    const publicPem = (await signer.publicKey()).export({ format: 'pem', type: 'spki' });
    const hsInput = `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${b64(claims)}`;
    const hs = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`;
    // An HMAC-SHA256 is 43 characters: not even the shape of ours.
    expect(await refusal(hs)).toBe('malformed');
    const hsPadded = `${hsInput}.${Buffer.concat([createHmac('sha256', publicPem).update(hsInput).digest(), Buffer.alloc(32)]).toString('base64url')}`;
    expect(await refusal(hsPadded)).toBe('wrong algorithm');

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const esInput = `${b64({ alg: 'ES384', typ: 'at+jwt' })}.${b64(claims)}`;
    const es384 = sign('sha384', Buffer.from(esInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).subarray(0, 64);
    expect(await refusal(`${esInput}.${es384.toString('base64url')}`)).toBe('wrong algorithm');
  });

  it('garbage of the right shape', async () => {
    expect(await refusal(`eyJ${'a'.repeat(20)}.eyJ${'b'.repeat(20)}.${'c'.repeat(86)}`)).toBe('malformed');
  });
});
