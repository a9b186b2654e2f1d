/**
 * The Query shapes the repository repeats: the items of a partition whose sort key starts with
 * a prefix (a tenant's users, a group's members), strongly consistent, paged or counted; and every
 * item of a small partition (a tenant's health, its activity when it is deleted).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { pages, type StartKey } from './paging';

export interface PrefixPage {
  readonly items: Record<string, unknown>[];
  readonly lastKey?: Record<string, unknown>;
}

export interface PrefixQuery {
  readonly partition: string;
  readonly prefix: string;
  readonly limit?: number;
  readonly startKey?: Record<string, unknown>;
  /** Attributes to read, e.g. `SK` when only ids are needed. */
  readonly projection?: string;
  /** Strongly consistent (the default) or eventually consistent at half the read units (list walks). */
  readonly consistent?: boolean;
}

const keyCondition = (query: Pick<PrefixQuery, 'partition' | 'prefix' | 'consistent'>) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
  ExpressionAttributeValues: { ':pk': query.partition, ':prefix': query.prefix },
  ConsistentRead: query.consistent ?? true,
});

/** Every page of a whole partition (`projection`: the attributes to read), to read or delete a small one. */
export async function* partitionPages(
  db: Db,
  partition: string,
  options: { readonly projection?: string; readonly consistent?: boolean } = {},
): AsyncGenerator<Record<string, unknown>[]> {
  const read = async (startKey: StartKey | undefined) => {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) yield page.items;
}

export async function queryPrefix(db: Db, query: PrefixQuery): Promise<PrefixPage> {
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      ...keyCondition(query),
      ...(query.projection ? { ProjectionExpression: query.projection } : {}),
      ...(query.limit ? { Limit: query.limit } : {}),
      ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
    }),
  );
  return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
}

/** A condition on the items' attributes (a FilterExpression): it narrows what is counted, not what is read. */
interface ItemFilter {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Number of matching items (a COUNT query: reads every item, returns none; `filter` counts only the items it holds for). */
export async function countPrefix(
  db: Db,
  query: Pick<PrefixQuery, 'partition' | 'prefix' | 'consistent'> & { readonly filter?: ItemFilter },
): Promise<number> {
  let count = 0;
  const { KeyConditionExpression, ExpressionAttributeValues, ConsistentRead } = keyCondition(query);
  const read = async (startKey: StartKey | undefined) => {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression,
        ExpressionAttributeValues: { ...ExpressionAttributeValues, ...query.filter?.values },
        ConsistentRead,
        ...(query.filter ? { FilterExpression: query.filter.expression, ExpressionAttributeNames: { ...query.filter.names } } : {}),
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { count: result.Count ?? 0, ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) count += page.count;
  return count;
}
