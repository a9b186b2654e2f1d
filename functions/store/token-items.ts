/**
 * Secret tokens with ids (functions/credentials/token-service.ts). A token is two items and a
 * counter, written together in one transaction:
 *  - the token item `TOKEN#<sha256>` the authorizer reads (unchanged, so tokens from before ids work);
 *  - the listing item `TOKENS#<t>` / `TOKEN#<id>` (id, dates, the hash to reach the token item);
 *  - `activeTokens` on the tenant item, raised only while below the limit: two concurrent issues
 *    cannot both take the last place (a serial order exists in which one of them fails).
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

/** Writes a new token (its item, its listing, the tenant's counter below `max`); resolves the refusal, if any. */
export async function insertToken(db: Db, token: TokenListing, max: number | undefined): Promise<IssueRefusal | undefined> {
  const table = { TableName: db.table };
  const tokenItem = {
    ...keys.token(token.tokenHash),
    entity: 'Token',
    tenantId: token.tenantId,
    tokenHash: token.tokenHash,
    tokenId: token.tokenId,
    created: token.createdAt,
    ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
  };
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

/** Deletes the token item, its listing and one from the counter; false when the listing was already gone. */
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
  };
}
