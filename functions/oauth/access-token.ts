/**
 * OAuth 2.0 access tokens: JWTs per RFC 9068 (`typ: at+jwt`), ES256, issued by the token endpoint
 * and verified by the authorizer. jose encodes the header and claims and does all verification
 * (signature, `alg` allow-list, `typ`, `iss`, `exp`/`nbf`/`iat` with clock tolerance); the
 * signature itself comes from the AccessTokenSigner (KMS or a local key).
 *
 * Claims: `iss` (the deployment), `aud` (the tenant's SCIM base, see audienceOf), `sub` and
 * `client_id` (the OAuth client), `tenant`, `scope` (`scim`), `iat`, `nbf`, `exp`, `jti`; and
 * `client_auth: "private_key_jwt"` when the client is a federated credential (functions/federation/),
 * so the authorizer checks that credential instead of an OAuth client.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { base64url, errors, jwtVerify } from 'jose';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id';
import { CLIENT_ID_PATTERN } from '../credentials/client-credentials';
import type { AccessTokenSigner } from '../signing/signer';
import { SIGNING_ALGORITHM } from '../signing/signing-key';
import { isAccessTokenShape } from '../credentials/token-shape';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_SCOPE = 'scim';
/** Clocks of the token function and the authorizer may differ this much. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** The audience of a tenant's tokens: only that tenant's SCIM API accepts them. */
export const audienceOf = (issuer: string, tenantId: string) => `${issuer}/tenants/${tenantId}/scim/v2`;

export interface AccessTokenRequest {
  readonly issuer: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly lifetimeSeconds: number;
  /** Epoch seconds; now by default. */
  readonly issuedAt?: number;
  /** The client authenticated with a client assertion (a federated credential). */
  readonly federated?: boolean;
}

/** The `client_auth` claim of a federated client's tokens. */
export const FEDERATED_CLIENT_AUTH = 'private_key_jwt';

export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly jti: string;
}

const encodeJson = (value: object) => base64url.encode(JSON.stringify(value));

export async function issueAccessToken(signer: AccessTokenSigner, request: AccessTokenRequest): Promise<IssuedAccessToken> {
  const iat = request.issuedAt ?? Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const header = { alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: signer.keyId };
  const claims = {
    iss: request.issuer,
    aud: audienceOf(request.issuer, request.tenantId),
    sub: request.clientId,
    client_id: request.clientId,
    tenant: request.tenantId,
    scope: ACCESS_TOKEN_SCOPE,
    iat,
    nbf: iat,
    exp: iat + request.lifetimeSeconds,
    jti,
    ...(request.federated ? { client_auth: FEDERATED_CLIENT_AUTH } : {}),
  };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return { accessToken: `${signingInput}.${base64url.encode(signature)}`, expiresIn: request.lifetimeSeconds, jti };
}

export interface VerifiedAccessToken {
  readonly tenantId: string;
  readonly clientId: string;
  readonly jti: string;
  /** Issued to a federated credential (its `client_id`), not to an OAuth client. */
  readonly federated: boolean;
}

/** Why a token was refused, for the authorizer's log (never the token). */
export type AccessTokenRefusal = 'malformed' | 'wrong algorithm' | 'bad signature' | 'expired' | 'not yet valid' | 'wrong claims';

export class AccessTokenRefused extends Error {
  constructor(readonly reason: AccessTokenRefusal) {
    super(`access token refused: ${reason}`);
  }
}

export interface VerifyOptions {
  readonly issuer: string;
  /** Epoch seconds; now by default. */
  readonly now?: number;
}

/** The token's tenant and client, or AccessTokenRefused. */
export async function verifyAccessToken(token: string, publicKey: KeyObject, options: VerifyOptions): Promise<VerifiedAccessToken> {
  if (!isAccessTokenShape(token)) throw new AccessTokenRefused('malformed');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [SIGNING_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: options.issuer,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti'],
      ...(options.now !== undefined ? { currentDate: new Date(options.now * 1000) } : {}),
    }));
  } catch (error) {
    throw new AccessTokenRefused(refusalOf(error));
  }
  const { tenant, client_id: clientId, sub, aud, jti, client_auth: clientAuth } = payload as Record<string, unknown>;
  if (
    typeof tenant !== 'string' ||
    !TENANT_ID_PATTERN.test(tenant) ||
    typeof clientId !== 'string' ||
    !CLIENT_ID_PATTERN.test(clientId) ||
    sub !== clientId ||
    aud !== audienceOf(options.issuer, tenant) ||
    typeof jti !== 'string' ||
    (clientAuth !== undefined && clientAuth !== FEDERATED_CLIENT_AUTH)
  ) {
    throw new AccessTokenRefused('wrong claims');
  }
  return { tenantId: tenant, clientId, jti, federated: clientAuth === FEDERATED_CLIENT_AUTH };
}

function refusalOf(error: unknown): AccessTokenRefusal {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'wrong algorithm';
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.claim === 'nbf' || error.claim === 'iat' ? 'not yet valid' : 'wrong claims';
  return 'malformed';
}
