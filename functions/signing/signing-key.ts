/**
 * Which key signs and verifies access tokens, from the environment: the KMS key of
 * OAUTH_SIGNING_KEY_ARN (AWS), else the local key file of OAUTH_LOCAL_KEY_FILE (the local server).
 * Read by the token function's signer (signer.ts) and the authorizer's verification key
 * (verification-key.ts), so both always mean the same key.
 */
import type { KeyObject } from 'node:crypto';
import { environment } from '../commons/environment';

/** JWS algorithm of every access token: ECDSA P-256 with SHA-256. */
export const SIGNING_ALGORITHM = 'ES256';

/** What signs access tokens: the KMS key or the local key file (kms-signer.ts, local-signer.ts). */
export interface AccessTokenSigner {
  /** JOSE `kid` of the tokens this key signs. */
  readonly keyId: string;
  /** The ES256 signature of the JWS signing input, as JOSE wants it: raw `r || s`, 64 bytes. */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
  /** The public key tokens are verified with (fetched once, then kept for the container's life). */
  publicKey(): Promise<KeyObject>;
}

export type SigningKeySource = { readonly kind: 'kms'; readonly keyArn: string } | { readonly kind: 'file'; readonly file: string };

export class SigningKeyNotConfiguredError extends Error {
  constructor() {
    super('no access-token signing key: set OAUTH_SIGNING_KEY_ARN (KMS) or OAUTH_LOCAL_KEY_FILE');
  }
}

export function signingKeySource(): SigningKeySource {
  const keyArn = environment.oauthSigningKeyArn();
  if (keyArn) return { kind: 'kms', keyArn };
  const file = environment.oauthLocalKeyFile();
  if (file) return { kind: 'file', file };
  throw new SigningKeyNotConfiguredError();
}

/** One id per key, for per-key caches. */
export const sourceId = (source: SigningKeySource) => (source.kind === 'kms' ? `kms:${source.keyArn}` : `file:${source.file}`);
