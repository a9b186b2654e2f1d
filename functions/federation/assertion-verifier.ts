/**
 * RFC 7523 §3 client authentication: is this JWT a valid assertion for this federated credential?
 * jose verifies the signature and the registered claims; this module picks the key (by `kid`,
 * from the credential's JWKS, jwks-cache.ts), keeps `alg` to the allow-list (never `none`, never
 * HMAC: a public key must not become a shared secret) and checks Entra's `tid`. No `jti` check:
 * Entra caches and reuses its assertions (AzureAD/SCIMReferenceCode, Workload Identity Federation
 * for SCIM provisioning). Every refusal carries a stable reason code (activity/refusal-reasons.ts).
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { FederatedCredentialRecord } from '../store/key-reads';
import type { TokenRefusalReason } from '../activity/refusal-reasons';
import { KeyUnavailable, signingKey, type VerificationKey } from './jwks-cache';

/** Asymmetric algorithms Entra and common workload issuers sign with; nothing else is accepted. */
export const ASSERTION_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];
/** Clocks of the issuer and the token function may differ this much (exp, nbf, iat). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;
/** Entra's assertions are about 1.5 KiB; anything much larger is not one. */
const MAX_ASSERTION_CHARS = 6000;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class AssertionRefused extends Error {
  constructor(readonly reason: TokenRefusalReason) {
    super(`client assertion refused: ${reason}`);
  }
}

export interface VerifiedAssertion {
  /** The assertion's `exp`, epoch seconds: the access token must not outlive it. */
  readonly expiresAt: number;
}

export type KeySource = (jwksUri: string, kid: string, alg: string, nowSeconds: number) => Promise<VerificationKey>;

/** The assertion's expiry, or AssertionRefused. `now` in epoch seconds. */
export async function verifyClientAssertion(
  assertion: string,
  credential: FederatedCredentialRecord,
  options: { readonly now?: number; readonly keys?: KeySource } = {},
): Promise<VerifiedAssertion> {
  const now = options.now ?? Date.now() / 1000;
  if (assertion.length > MAX_ASSERTION_CHARS || !COMPACT_JWS.test(assertion)) throw new AssertionRefused('assertion_malformed');
  const { alg, kid } = header(assertion);
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) throw new AssertionRefused('assertion_bad_alg');
  if (typeof kid !== 'string' || kid === '' || kid.length > 256) throw new AssertionRefused('assertion_no_kid');
  const key = await keyFor(options.keys ?? signingKey, credential.jwksUri, kid, alg, now);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: credential.issuer,
      audience: [...credential.audiences],
      subject: credential.subject,
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp'],
      currentDate: new Date(now * 1000),
    }));
  } catch (error) {
    throw new AssertionRefused(reasonOf(error));
  }
  if (credential.entraTenantId !== undefined && payload.tid !== credential.entraTenantId)
    throw new AssertionRefused('assertion_bad_tenant');
  return { expiresAt: payload.exp as number };
}

function header(assertion: string): { alg?: unknown; kid?: unknown } {
  try {
    return decodeProtectedHeader(assertion);
  } catch {
    throw new AssertionRefused('assertion_malformed');
  }
}

async function keyFor(keys: KeySource, jwksUri: string, kid: string, alg: string, now: number): Promise<VerificationKey> {
  try {
    return await keys(jwksUri, kid, alg, now);
  } catch (error) {
    // A key that cannot serve this `alg` (an EC key for RS256, a JWK with another `alg`).
    throw new AssertionRefused(error instanceof KeyUnavailable ? error.reason : 'jwt_bad_signature');
  }
}

const CLAIM_REASONS: Readonly<Record<string, TokenRefusalReason>> = {
  iss: 'assertion_bad_issuer',
  aud: 'jwt_bad_audience',
  sub: 'assertion_bad_subject',
  nbf: 'jwt_not_yet_valid',
  iat: 'jwt_not_yet_valid',
  exp: 'jwt_expired',
};

function reasonOf(error: unknown): TokenRefusalReason {
  if (error instanceof errors.JWTExpired) return 'jwt_expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'missing' ? 'jwt_missing_claim' : (CLAIM_REASONS[error.claim] ?? 'assertion_malformed');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'assertion_bad_alg';
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'assertion_malformed';
  return 'jwt_bad_signature';
}
