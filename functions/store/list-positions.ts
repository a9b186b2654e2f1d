/**
 * Where a startIndex walk continues (RFC 7644 §3.4.2.4 index paging over a partition): after a page
 * of one query is served, DynamoDB's key after its last resource is kept under the startIndex the
 * next page will ask for, so `startIndex=101` reads from there instead of re-reading the first 100.
 * Kept server-side (a client cannot forge or alter it), per tenant and query digest, for an hour.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';

/** How long a walk may pause between pages (Okta's import pages back to back). */
export const LIST_POSITION_TTL_SECONDS = 3600;

export interface ListPosition {
  /** DynamoDB's exclusive start key of the next page's read. */
  readonly lastKey: Record<string, unknown>;
  /** The walk's totalResults, when it knows one (counted once, at its first page). */
  readonly total?: number;
}

export async function savePosition(db: Db, tenantId: string, query: string, startIndex: number, position: ListPosition): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...keys.listPosition(tenantId, query, startIndex),
        entity: 'ListPosition',
        tenantId,
        lastKey: position.lastKey,
        ...(position.total !== undefined ? { total: position.total } : {}),
        [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + LIST_POSITION_TTL_SECONDS,
      },
    }),
  );
}

/** The position a previous page left for `startIndex`; undefined when there is none or it expired. */
export async function loadPosition(db: Db, tenantId: string, query: string, startIndex: number): Promise<ListPosition | undefined> {
  // Strongly consistent: the page before was served a moment ago, maybe by another instance.
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: keys.listPosition(tenantId, query, startIndex), ConsistentRead: true }),
  );
  if (!Item || typeof Item.lastKey !== 'object' || Item.lastKey === null) return undefined;
  if (typeof Item[TTL_ATTRIBUTE] === 'number' && Item[TTL_ATTRIBUTE] * 1000 < Date.now()) return undefined;
  return { lastKey: Item.lastKey as Record<string, unknown>, ...(typeof Item.total === 'number' ? { total: Item.total } : {}) };
}
