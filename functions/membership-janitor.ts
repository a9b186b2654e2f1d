/** Lambda entry: the table's stream → membership clean-up (functions/cleanup/orphan-memberships.ts). */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { cleanUp } from './cleanup/orphan-memberships';
import { itemChangeOf } from './events/stream';
import type { ItemChange } from './events/change-event';
import { defaultDb } from './store/db';

/** Stop this long before Lambda's timeout and let the retry continue the work. */
const MARGIN_MS = 10_000;

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const records = event.Records.map((record) => ({ record, change: itemChangeOf(record) }));
  const relevant = records.filter((r): r is { record: (typeof records)[number]['record']; change: ItemChange } => r.change !== undefined);
  const deadline = Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS;
  const result = await cleanUp(
    defaultDb(),
    relevant.map((r) => r.change),
    deadline,
  );
  if (result.unfinished === undefined) return { batchItemFailures: [] };
  // Lambda retries from the unfinished record; the work already done is not redone (idempotent).
  const sequenceNumber = relevant[result.unfinished]?.record.dynamodb?.SequenceNumber ?? '';
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
}
