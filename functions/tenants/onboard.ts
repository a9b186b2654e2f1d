/**
 * A tenant's secret token kept in a secret store (Secrets Manager in AWS, token files locally) for
 * `scim-admin tenants add` and `rotate-token`: a new token goes into the secret and only its hash into
 * the table. (Deploys no longer make tokens: tenants.json is applied as data without credentials,
 * functions/tenants/tenant-seed.ts.) The token exists only in memory and in the secret.
 */
import type { Db } from '../store/db';
import { expireToken, putToken } from '../store/tenants';
import { generateToken, hashToken, TOKEN_PATTERN } from '../credentials/secret-token';
import { errorNamed } from '../commons/error-named';

/** Where a tenant's token is kept for ops to read once. */
export interface TokenSecretStore {
  read(secretId: string): Promise<string | undefined>;
  write(secretId: string, token: string): Promise<void>;
}

/**
 * A new token into the secret (and its hash into the table); the token the secret held before
 * keeps working for `overlapSeconds` (undefined: it is not touched). Also used by `scim-admin`.
 */
export async function rotateToken(
  db: Db,
  secrets: TokenSecretStore,
  tenantId: string,
  secretId: string,
  overlapSeconds: number | undefined,
): Promise<void> {
  if (overlapSeconds !== undefined) await expireCurrentToken(db, secrets, secretId, overlapSeconds);
  const token = generateToken();
  await putToken(db, { tenantId, tokenHash: hashToken(token) });
  await secrets.write(secretId, token);
}

/** The token now in the secret stops working after `seconds` (0: at once). */
async function expireCurrentToken(db: Db, secrets: TokenSecretStore, secretId: string, seconds: number): Promise<void> {
  const current = await secrets.read(secretId);
  // A secret's initial placeholder (before the first create finished) is not a token.
  if (!current || !TOKEN_PATTERN.test(current)) return;
  try {
    await expireToken(db, hashToken(current), Math.floor(Date.now() / 1000) + seconds);
  } catch (error) {
    // The token item is already gone (TTL): nothing to expire.
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}
