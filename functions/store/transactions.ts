/**
 * TransactWriteItems with the two things every caller needs: telling which condition failed
 * (cancellation reasons are positional) and retrying TransactionConflict, which DynamoDB raises
 * when concurrent transactions touch the same item (e.g. 20 creates racing for one userName):
 * on retry the loser sees the winner's item and fails its condition cleanly.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

export class TransactionCancelled extends Error {
  /** Indexes of the actions whose condition failed. */
  readonly failed: number[];
  constructor(failed: number[]) {
    super(`transaction cancelled; conditions failed at ${failed.join(', ')}`);
    this.name = 'TransactionCancelled';
    this.failed = failed;
  }
}

const MAX_ATTEMPTS = 8;

interface CancellationReason {
  readonly Code?: string;
}

export async function transactWrite(db: Db, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.client.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) throw new TransactionCancelled(failed);
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflict || attempt >= MAX_ATTEMPTS) throw error;
      await sleep(jitter(attempt));
    }
  }
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: string; CancellationReasons?: CancellationReason[] };
  return e.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}

const jitter = (attempt: number) => Math.random() * Math.min(200, 10 * 2 ** attempt);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
