/**
 * OAuth client credentials: a random client id and a 256-bit random secret. Only the secret's
 * SHA-256 is stored (a high-entropy secret needs no slow hash: there is nothing to brute-force);
 * comparisons are constant-time.
 */
import { randomBytes } from 'node:crypto';
import { hashesEqual, hashToken } from './secret-token';

/** What a client id looks like (generated ones are 24 characters). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** 32 random bytes, base64url. */
export const CLIENT_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function generateClientCredentials(): ClientCredentials {
  return { clientId: generateClientId(), clientSecret: generateClientSecret() };
}

/**
 * 18 random bytes, base64url, drawn again when the first character is `-` or `_` (1 in 32): an id
 * starting with `-` reads as an option to `scim-admin clients rotate <id>` and to most shells' tools.
 */
function generateClientId(): string {
  for (;;) {
    const id = randomBytes(18).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export const generateClientSecret = (): string => randomBytes(32).toString('base64url');

export const hashClientSecret = (secret: string): string => hashToken(secret);

/** Constant-time: `secret` against a stored hash (undefined hashes never match). */
export function secretMatches(secret: string, hash: string | undefined): boolean {
  // Hash even without a stored hash, so an unknown client costs the same as a wrong secret.
  const given = hashClientSecret(secret);
  return hash !== undefined && hashesEqual(given, hash);
}
