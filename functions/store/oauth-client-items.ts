/**
 * OAuth client items: one per client, in its tenant's client partition. An item holds the
 * client's ids and dates and the SHA-256 of its secret (never the secret); after a rotation also
 * the previous secret's hash and when it stops working. A revoked client keeps its item (ids and
 * dates, for the operator) without any hash. Plus the token endpoint's per-tenant request counter.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consistentReads, type Db } from './db';
import { readClient, toClient, type ClientRecord } from './key-reads';
import { keys, oauthClientsPartition } from './keys';
import { pages, type StartKey } from './paging';
import { TTL_ATTRIBUTE } from './table-definition';

export type { ClientRecord } from './key-reads';

const now = () => new Date().toISOString();

/**
 * Creates a client. `replace`: overwrite one of the same id (seeding fixed local credentials),
 * keeping its creation date; otherwise an existing id fails with ConditionalCheckFailedException.
 */
export async function putClient(
  db: Db,
  client: { tenantId: string; clientId: string; secretHash: string },
  options: { replace?: boolean } = {},
): Promise<void> {
  const key = keys.oauthClient(client.tenantId, client.clientId);
  if (options.replace) {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key,
        UpdateExpression:
          'SET entity = :entity, tenantId = :t, clientId = :c, #status = :active, secretHash = :hash, createdAt = if_not_exists(createdAt, :now) ' +
          'REMOVE previousSecretHash, previousSecretValidUntil, revokedAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':entity': 'OAuthClient',
          ':t': client.tenantId,
          ':c': client.clientId,
          ':active': 'active',
          ':hash': client.secretHash,
          ':now': now(),
        },
      }),
    );
    return;
  }
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...key,
        entity: 'OAuthClient',
        tenantId: client.tenantId,
        clientId: client.clientId,
        status: 'active',
        secretHash: client.secretHash,
        createdAt: now(),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export const getClient = (db: Db, tenantId: string, clientId: string): Promise<ClientRecord | undefined> =>
  readClient(consistentReads(db), tenantId, clientId);

export async function listClients(db: Db, tenantId: string): Promise<ClientRecord[]> {
  const clients: ClientRecord[] = [];
  const read = async (start: StartKey | undefined) => {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': oauthClientsPartition(tenantId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) for (const item of page.items) clients.push(toClient(item));
  return clients;
}

/**
 * New secret hash; the current one becomes the previous, accepted until `previousValidUntil`
 * (epoch seconds). Only an active client rotates (ConditionalCheckFailedException otherwise).
 */
export async function rotateClientSecret(
  db: Db,
  tenantId: string,
  clientId: string,
  secretHash: string,
  previousValidUntil: number,
): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.oauthClient(tenantId, clientId),
      UpdateExpression: 'SET previousSecretHash = secretHash, previousSecretValidUntil = :until, secretHash = :hash, rotatedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND #status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':until': previousValidUntil, ':hash': secretHash, ':now': now(), ':active': 'active' },
    }),
  );
}

/** Revoked: no secret works, and the authorizer refuses the client's tokens. */
export async function revokeClient(db: Db, tenantId: string, clientId: string): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.oauthClient(tenantId, clientId),
      UpdateExpression: 'SET #status = :revoked, revokedAt = :now REMOVE secretHash, previousSecretHash, previousSecretValidUntil',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':now': now() },
    }),
  );
}

/** Counts one token request of the tenant in the minute `epochMinute`; returns the count so far. */
export async function countTokenRequest(db: Db, tenantId: string, epochMinute: number): Promise<number> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.tokenRequestWindow(tenantId, epochMinute),
      UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD requests :one',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      // TTL removes the counter a few minutes after its window.
      ExpressionAttributeValues: { ':entity': 'TokenRequestWindow', ':ttl': (epochMinute + 5) * 60, ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.requests ?? 1);
}
