/**
 * The token endpoint's counters, one fixed window per minute each, removed by TTL: tokens issued per
 * tenant (store/oauth-client-items.ts countTokenRequest) and, here, failed authentications per client
 * id and per source IP. Failures are counted apart so junk never spends a real client's budget.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys, type Key } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';

/** Counts one failed authentication naming `clientId` and one from `sourceIp`; returns both counts so far. */
export async function countFailedAuthentication(
  db: Db,
  attempt: { tenantId?: string; clientId?: string; sourceIp?: string },
  epochMinute: number,
): Promise<{ client: number; source: number }> {
  const [client, source] = await Promise.all([
    attempt.tenantId && attempt.clientId
      ? increment(db, keys.failedClientWindow(attempt.tenantId, attempt.clientId, epochMinute), 'FailedClientWindow', epochMinute)
      : 0,
    attempt.sourceIp ? increment(db, keys.failedSourceWindow(attempt.sourceIp, epochMinute), 'FailedSourceWindow', epochMinute) : 0,
  ]);
  return { client, source };
}

/** Failed authentications from `sourceIp` in the minute so far (eventually consistent: a gate, not an account). */
export async function failedFromSource(db: Db, sourceIp: string, epochMinute: number): Promise<number> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.failedSourceWindow(sourceIp, epochMinute) }));
  return Number(Item?.failures ?? 0);
}

async function increment(db: Db, key: Key, entity: string, epochMinute: number): Promise<number> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: key,
      UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD failures :one',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':entity': entity, ':ttl': (epochMinute + 5) * 60, ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.failures ?? 1);
}
