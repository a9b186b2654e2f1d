/**
 * OAuth client items: one per client, in its tenant's client partition. An item holds the client's
 * ids and dates and a map of its secrets (id → SHA-256 and creation date; never a secret): at most
 * two, so the customer rotates without a timer. A revoked client keeps its item (ids and dates, for
 * the operator) without any secret. Plus the token endpoint's per-tenant request counter.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './conditional-write';
import { consistentReads, type Db } from './db';
import { clientSecretIdOf, readClient, toClient, type ClientRecord } from './key-reads';
import { keys, oauthClientsPartition } from './keys';
import { pages, type StartKey } from './paging';
import { TTL_ATTRIBUTE } from './table-definition';
import { transactWrite, TransactionCancelled } from './transactions';

export type { ClientRecord } from './key-reads';

const now = () => new Date().toISOString();

/** Why a write was refused: the tenant (missing or being deleted), or the client (missing, revoked, id taken, secrets full). */
export type ClientRefusal = 'tenant' | 'client';

const LEGACY_SECRET_ATTRIBUTES = 'secretHash, previousSecretHash, previousSecretValidUntil';

/**
 * Creates a client with one secret, while its tenant exists and is not being deleted; refused when
 * the tenant is not there or the client id is taken.
 */
export async function insertClient(
  db: Db,
  client: { tenantId: string; clientId: string; secretHash: string; createdAt: string },
): Promise<ClientRefusal | undefined> {
  const table = { TableName: db.table };
  const item = {
    ...keys.oauthClient(client.tenantId, client.clientId),
    entity: 'OAuthClient',
    tenantId: client.tenantId,
    clientId: client.clientId,
    status: 'active',
    secrets: { [clientSecretIdOf(client.secretHash)]: { hash: client.secretHash, createdAt: client.createdAt } },
    createdAt: client.createdAt,
  };
  try {
    await transactWrite(db, [
      {
        ConditionCheck: {
          ...table,
          Key: keys.tenant(client.tenantId),
          ConditionExpression: 'attribute_exists(PK) AND #status <> :deleting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':deleting': 'deleting' },
        },
      },
      { Put: { ...table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
    ]);
    return undefined;
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    return error.failed.includes(0) ? 'tenant' : 'client';
  }
}

/**
 * Creates or replaces a client with exactly this one secret (seeding fixed local credentials),
 * keeping its creation date.
 */
export async function putClient(db: Db, client: { tenantId: string; clientId: string; secretHash: string }): Promise<void> {
  const at = now();
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.oauthClient(client.tenantId, client.clientId),
      UpdateExpression:
        'SET entity = :entity, tenantId = :t, clientId = :c, #status = :active, secrets = :secrets, createdAt = if_not_exists(createdAt, :now) ' +
        `REMOVE ${LEGACY_SECRET_ATTRIBUTES}, revokedAt`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':entity': 'OAuthClient',
        ':t': client.tenantId,
        ':c': client.clientId,
        ':active': 'active',
        ':secrets': { [clientSecretIdOf(client.secretHash)]: { hash: client.secretHash, createdAt: at } },
        ':now': at,
      },
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
 * Adds a secret to an active client holding fewer than `max`: one conditional update, so two
 * concurrent adds cannot both take the last place. An item from before secret ids gets its map first.
 * False when refused (no such active client, or `max` secrets already).
 */
export async function insertClientSecret(
  db: Db,
  tenantId: string,
  clientId: string,
  secret: { hash: string; createdAt: string },
  max: number,
): Promise<boolean> {
  return updateSecrets(db, tenantId, clientId, {
    UpdateExpression: 'SET secrets.#id = :secret, rotatedAt = :at',
    ConditionExpression: 'attribute_exists(PK) AND #status = :active AND size(secrets) < :max AND attribute_not_exists(secrets.#id)',
    ExpressionAttributeNames: { '#status': 'status', '#id': clientSecretIdOf(secret.hash) },
    ExpressionAttributeValues: { ':secret': secret, ':at': secret.createdAt, ':active': 'active', ':max': max },
  });
}

/** Removes one secret of an active client; false when it has no secret of that id. */
export async function deleteClientSecret(db: Db, tenantId: string, clientId: string, secretId: string): Promise<boolean> {
  return updateSecrets(db, tenantId, clientId, {
    UpdateExpression: 'REMOVE secrets.#id',
    ConditionExpression: '#status = :active AND attribute_exists(secrets.#id)',
    ExpressionAttributeNames: { '#status': 'status', '#id': secretId },
    ExpressionAttributeValues: { ':active': 'active' },
  });
}

/** One conditional update of a client's secrets map, once its secrets from before ids are in the map; false when the condition failed. */
async function updateSecrets(
  db: Db,
  tenantId: string,
  clientId: string,
  update: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  },
): Promise<boolean> {
  await moveLegacySecrets(db, tenantId, clientId);
  return conditionally(db.client.send(new UpdateCommand({ TableName: db.table, Key: keys.oauthClient(tenantId, clientId), ...update })));
}

/**
 * An item from before secret ids (`secretHash`, `previousSecretHash` within its overlap): its
 * secrets move into the map under their derived ids, once (conditional: a concurrent move wins).
 */
async function moveLegacySecrets(db: Db, tenantId: string, clientId: string): Promise<void> {
  const client = await getClient(db, tenantId, clientId);
  if (!client || client.status !== 'active' || client.secrets.length === 0) return;
  const nowSeconds = Date.now() / 1000;
  const secrets = Object.fromEntries(
    client.secrets
      .filter((s) => s.expiresAt === undefined || s.expiresAt > nowSeconds)
      .map((s) => [s.id, { hash: s.hash, createdAt: s.createdAt, ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}) }]),
  );
  await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.oauthClient(tenantId, clientId),
        UpdateExpression: `SET secrets = :secrets REMOVE ${LEGACY_SECRET_ATTRIBUTES}`,
        ConditionExpression: 'attribute_not_exists(secrets) AND attribute_exists(secretHash)',
        ExpressionAttributeValues: { ':secrets': secrets },
      }),
    ),
  );
}

/** Revoked: no secret works, and the authorizer refuses the client's tokens. False when there is no active client of that id. */
export async function revokeClient(db: Db, tenantId: string, clientId: string): Promise<boolean> {
  return conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.oauthClient(tenantId, clientId),
        UpdateExpression: `SET #status = :revoked, revokedAt = :now REMOVE secrets, ${LEGACY_SECRET_ATTRIBUTES}`,
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':now': now() },
      }),
    ),
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
