/**
 * Secret tokens with ids: issued (shown once), listed (ids and dates only), revoked. At most two are
 * active per tenant, so the customer's IT rotates without a timer: issue a second, paste it into the
 * identity provider, revoke the first. A revoked token stops at the authorizer's next evaluation
 * (within its cache TTL) and is kept as a tombstone for REVOKED_TOKEN_KEPT_DAYS, so a support desk
 * reads `token_revoked` in the activity log, not `token_unknown`; it is neither listed nor counted.
 * Tokens from before ids keep working and are listed under their derived id (`tok_` + 12 hex digits
 * of their hash, credentials/token-id.ts) once adopted.
 */
import { InvalidState, LimitReached, NotFound } from '../commons/service-errors';
import { servedTenant } from '../commons/served-tenant';
import type { Db } from '../store/db';
import { getTenant, getToken } from '../store/tenants';
import {
  deleteToken,
  getTokenListing,
  insertToken,
  listTokens as listTokenItems,
  revokeTokenItems,
  type TokenListing,
} from '../store/token-items';
import { tokenIdOf } from './token-id';
import { generateToken, hashToken } from './secret-token';

export const MAX_ACTIVE_TOKENS = 2;
/** How long a revoked token's tombstone is kept (DynamoDB TTL); after that it is `token_unknown` again. */
export const REVOKED_TOKEN_KEPT_DAYS = 30;

export interface IssuedToken {
  readonly id: string;
  /** The token itself: in this answer only, never stored, logged or shown again. */
  readonly token: string;
  readonly createdAt: string;
}

export interface TokenSummary {
  readonly id: string;
  readonly createdAt: string;
  /** ISO time after which a token from a rotation overlap is refused. */
  readonly expiresAt?: string;
}

export async function issueToken(db: Db, tenantId: string): Promise<IssuedToken> {
  const token = generateToken();
  const tokenHash = hashToken(token);
  const issued = { id: tokenIdOf({ tokenHash }), token, createdAt: new Date().toISOString() };
  const refusal = await insertToken(db, { tenantId, tokenId: issued.id, tokenHash, createdAt: issued.createdAt }, MAX_ACTIVE_TOKENS);
  if (refusal === undefined) return issued;
  // A taken id means a 48-bit prefix collision within the tenant: a fresh token does not collide.
  if (refusal === 'taken') return issueToken(db, tenantId);
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new NotFound(`no tenant "${tenantId}"`);
  if (tenant.status === 'deleting') throw new InvalidState(`tenant "${tenantId}" is being deleted`);
  throw new LimitReached(`tenant "${tenantId}" has ${MAX_ACTIVE_TOKENS} active tokens: delete one first`);
}

export async function listTokens(db: Db, tenantId: string): Promise<TokenSummary[]> {
  servedTenant(await getTenant(db, tenantId), tenantId);
  return (await listTokenItems(db, tenantId))
    .filter((listing) => listing.revokedAt === undefined)
    .map((listing) => ({
      id: listing.tokenId,
      createdAt: listing.createdAt,
      ...(listing.expiresAt !== undefined ? { expiresAt: new Date(listing.expiresAt * 1000).toISOString() } : {}),
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function revokeToken(db: Db, tenantId: string, tokenId: string): Promise<void> {
  const listing = await getTokenListing(db, tenantId, tokenId);
  if (!listing || listing.revokedAt !== undefined || !(await revokeOrDelete(db, listing)))
    throw new NotFound(`no token "${tokenId}" in tenant "${tenantId}"`);
}

/** A tombstone, or for a tenant being deleted the old delete (its credentials are refused anyway and the purge may have passed). */
async function revokeOrDelete(db: Db, listing: TokenListing): Promise<boolean> {
  const now = Date.now();
  const keptUntil = Math.floor(now / 1000) + REVOKED_TOKEN_KEPT_DAYS * 86_400;
  const outcome = await revokeTokenItems(db, listing, new Date(now).toISOString(), keptUntil);
  return outcome === 'revoked' || (outcome === 'deleting' && (await deleteToken(db, listing)));
}

/**
 * Registers a token that exists outside this service (npm start's SCIM_LOCAL_TENANTS, a token from
 * before ids): its item gets its id and it is listed and counted. Idempotent; not limited (a tenant
 * may already hold two). The token is never returned.
 */
export async function adoptToken(db: Db, tenantId: string, tokenHash: string): Promise<void> {
  const tokenId = tokenIdOf({ tokenHash });
  // A revoked one too: its tombstone stays revoked, never adopted again.
  if (await getTokenListing(db, tenantId, tokenId)) return;
  const existing = await getToken(db, tokenHash);
  const refusal = await insertToken(
    db,
    {
      tenantId,
      tokenId,
      tokenHash,
      createdAt: existing?.created ?? new Date().toISOString(),
      ...(existing?.expiresAt !== undefined ? { expiresAt: existing.expiresAt } : {}),
    },
    undefined,
  );
  if (refusal === 'tenant') throw new NotFound(`no tenant "${tenantId}"`);
}
