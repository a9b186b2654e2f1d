/**
 * BatchWriteItem over any number of puts and deletes: calls of 25 items, unprocessed items sent
 * again after a jittered wait (commons/retry.ts). Not atomic: for writes that may land in any order
 * and be repeated (membership items, activity records, deleting a partition).
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../commons/retry';
import type { Db } from './db';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** How long unprocessed batch items (writes and reads) wait before they go again. */
export const UNPROCESSED_RETRY = { baseMs: 50, capMs: 3_200 };

export async function batchWrite(db: Db, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(i, i + BATCH_WRITE_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt, UNPROCESSED_RETRY);
      const result = await db.client.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
      pending = (result.UnprocessedItems?.[db.table] ?? []) as WriteRequest[];
    }
  }
}
