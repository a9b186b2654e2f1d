/**
 * Secret tokens with ids (functions/credentials/token-service.ts). A token is two items and a
 * counter, written together in one transaction:
 *  - the token item `TOKEN#<sha256>` the authorizer reads (unchanged, so tokens from before ids work);
 *  - the listing item `TOKENS#<t>` / `TOKEN#<id>` (id, dates, the hash to reach the token item);
 *  - `activeTokens` on the tenant item, raised only while below the limit: two concurrent issues
 *    cannot both take the last place (a serial order exists in which one of them fails).
 * Revoking keeps both items as a tombstone (`status: revoked`, `revokedAt`, a TTL in `expiresAt`) and
 * lowers the counter: the authorizer tells a revoked token (`token_revoked`) from one never issued
 * (`token_unknown`) until DynamoDB's TTL removes them; the tenant purge finds them by the listing.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys, tenantTokensPartition } from './keys';
import { transactWrite, TransactionCancelled } from './transactions';

export interface TokenListing {
  readonly tenantId: string;
  readonly tokenId: string;
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt?: number;
  /** Set on a tombstone: neither listed nor counted, refused by the authorizer as revoked. */
  readonly revokedAt?: string;
}

/** Why an issue or adoption was refused: the tenant item's condition (missing, deleting, full) or the id/hash taken. */
export type IssueRefusal = 'tenant' | 'taken';

const tenantCounter = (tenantId: string, delta: 1 | -1, max?: number) => ({
  Update: {
    Key: keys.tenant(tenantId),
    UpdateExpression: 'SET activeTokens = if_not_exists(activeTokens, :zero) + :delta',
    ConditionExpression:
      max === undefined
        ? 'attribute_exists(PK)'
        : 'attribute_exists(PK) AND #status <> :deleting AND (attribute_not_exists(activeTokens) OR activeTokens < :max)',
    ...(max === undefined ? {} : { ExpressionAttributeNames: { '#status': 'status' } }),
    ExpressionAttributeValues: { ':zero': 0, ':delta': delta, ...(max === undefined ? {} : { ':max': max, ':deleting': 'deleting' }) },
  },
});

/** The item the authorizer finds a token by (its hash); a revoked one adds status, revokedAt and its own expiry. */
function tokenItemOf(token: TokenListing) {
  return {
    ...keys.token(token.tokenHash),
    entity: 'Token',
    tenantId: token.tenantId,
    tokenHash: token.tokenHash,
    tokenId: token.tokenId,
    created: token.createdAt,
    ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
  };
}

/** Writes a new token (its item, its listing, the tenant's counter below `max`); resolves the refusal, if any. */
export async function insertToken(db: Db, token: TokenListing, max: number | undefined): Promise<IssueRefusal | undefined> {
  const table = { TableName: db.table };
  const tokenItem = tokenItemOf(token);
  const listing = {
    ...keys.tenantToken(token.tenantId, token.tokenId),
    entity: 'TenantToken',
    tenantId: token.tenantId,
    tokenId: token.tokenId,
    tokenHash: token.tokenHash,
    createdAt: token.createdAt,
    ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
  };
  try {
    await transactWrite(db, [
      // A token item may exist from before ids (adoption): it is written again with its id.
      { Put: { ...table, Item: tokenItem } },
      { Put: { ...table, Item: listing, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Update: { ...table, ...tenantCounter(token.tenantId, 1, max).Update } },
    ]);
    return undefined;
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    return error.failed.includes(2) ? 'tenant' : 'taken';
  }
}

export async function listTokens(db: Db, tenantId: string): Promise<TokenListing[]> {
  const listed: TokenListing[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': tenantTokensPartition(tenantId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    listed.push(...(page.Items ?? []).map(toListing));
    start = page.LastEvaluatedKey;
  } while (start);
  return listed;
}

export async function getTokenListing(db: Db, tenantId: string, tokenId: string): Promise<TokenListing | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: keys.tenantToken(tenantId, tokenId), ConsistentRead: true }),
  );
  return Item ? toListing(Item) : undefined;
}

/** What a revoke did: tombstones written, no such (active) token, or the tenant is being deleted (no tombstone: the purge may have passed). */
export type RevokeOutcome = 'revoked' | 'gone' | 'deleting';

/**
 * Turns the token item and its listing into tombstones kept until `keptUntil` (epoch seconds, the TTL)
 * and takes one from the counter, only while the tenant is not being deleted: a tombstone written
 * after the purge's tokens phase would outlive the tenant.
 */
export async function revokeTokenItems(db: Db, token: TokenListing, revokedAt: string, keptUntil: number): Promise<RevokeOutcome> {
  const table = { TableName: db.table };
  const status = { '#status': 'status' };
  try {
    await transactWrite(db, [
      // A Put, not an Update: a listing whose token item is missing still leaves a tombstone the authorizer reads.
      {
        Put: {
          ...table,
          Item: { ...tokenItemOf(token), status: 'revoked', revokedAt, expiresAt: keptUntil },
        },
      },
      {
        Update: {
          ...table,
          Key: keys.tenantToken(token.tenantId, token.tokenId),
          UpdateExpression: 'SET #status = :revoked, revokedAt = :at, expiresAt = :until',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeNames: status,
          ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt, ':until': keptUntil },
        },
      },
      {
        Update: {
          ...table,
          Key: keys.tenant(token.tenantId),
          UpdateExpression: 'SET activeTokens = if_not_exists(activeTokens, :zero) - :one',
          ConditionExpression: 'attribute_exists(PK) AND #status <> :deleting',
          ExpressionAttributeNames: status,
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':deleting': 'deleting' },
        },
      },
    ]);
    return 'revoked';
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    return error.failed.includes(1) ? 'gone' : 'deleting';
  }
}

/** Deletes the token item, its listing and one from the counter (a tenant being deleted); false when the listing was already gone. */
export async function deleteToken(db: Db, token: TokenListing): Promise<boolean> {
  const table = { TableName: db.table };
  try {
    await transactWrite(db, [
      { Delete: { ...table, Key: keys.token(token.tokenHash) } },
      { Delete: { ...table, Key: keys.tenantToken(token.tenantId, token.tokenId), ConditionExpression: 'attribute_exists(PK)' } },
      { Update: { ...table, ...tenantCounter(token.tenantId, -1).Update } },
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled) return false;
    throw error;
  }
}

function toListing(item: Record<string, unknown>): TokenListing {
  return {
    tenantId: String(item.tenantId),
    tokenId: String(item.tokenId),
    tokenHash: String(item.tokenHash),
    createdAt: String(item.createdAt),
    ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}
