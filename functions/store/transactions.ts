/**
 * TransactWriteItems with the things every caller needs: telling which condition failed
 * (cancellation reasons are positional) and retrying TransactionConflict, which DynamoDB raises
 * when concurrent transactions touch the same item (e.g. 20 creates racing for one userName):
 * on retry the loser sees the winner's item and fails its condition cleanly; and throttling.
 *
 * A Db made by `groupingWrites` also coalesces the transactions its callers run at the same time
 * into shared TransactWriteItems calls (transaction coalescing): POST /Bulk gives its operations such a
 * handle, so 500 independent creates take a few dozen calls instead of 500. Each caller still sees
 * its own outcome: a failed condition rejects only the caller that owns it, the others go again.
 * Their count changes (store/resource-counts.ts: one per create or delete) are merged per counter shard
 * at the end of the shared call, since one call may not name an item twice.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../commons/retry';
import type { Db } from './db';
import { isCountChange, mergeCountChanges } from './resource-counts';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
type TransactItem = TransactItems[number];

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
/** DynamoDB's limits for one TransactWriteItems: 100 actions and 4 MB (a margin for keys and encoding). */
const MAX_ACTIONS = 100;
const MAX_BYTES = 3_500_000;
/**
 * Cancellation reasons worth another try: a conflicting concurrent transaction, or throttling (a
 * transaction's throttling arrives as a cancellation reason, which the SDK's own retries skip).
 */
const RETRYABLE = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const retryDelay = { baseMs: 10, capMs: 200 };

interface CancellationReason {
  readonly Code?: string;
}

export async function transactWrite(db: Db, items: TransactItems): Promise<void> {
  if (db.commits) return db.commits.submit(items);
  for (let attempt = 1; ; attempt++) {
    try {
      await db.client.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) throw new TransactionCancelled(failed);
      const retryable = reasons.some((r) => RETRYABLE.has(r.Code ?? ''));
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt, retryDelay);
    }
  }
}

/** The same table handle, with concurrent transactions coalesced (for one bulk request). */
export function groupingWrites(db: Db): Db {
  const plain: Db = { client: db.client, table: db.table };
  return { ...plain, commits: new CoalescedTransactions(plain) };
}

interface Pending {
  /** The caller's own actions (their cancellation reasons are the caller's). */
  readonly items: TransactItems;
  /** The caller's count changes, merged with the others' in a shared call. */
  readonly counts: TransactItems;
  readonly keys: readonly string[];
  readonly countKeys: readonly string[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One transaction in flight at a time; what arrives meanwhile goes into the next one, as many
 * callers as fit in DynamoDB's limits and touch distinct items (a transaction may not name an item
 * twice; such a caller waits for the next call).
 */
export class CoalescedTransactions {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  submit(items: TransactItems): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const own = items.filter((item) => !isCountChange(item));
      const counts = items.filter(isCountChange);
      const [keys, countKeys] = [own.map(itemKey), counts.map(itemKey)];
      this.queue.push({ items: own, counts, keys, countKeys, bytes: JSON.stringify(items).length, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) await this.commit(this.take());
    } finally {
      this.flushing = false;
    }
  }

  /** The longest run of waiting callers (in arrival order, skipping clashes) that fits one call. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    const countKeys = new Set<string>();
    let actions = 0;
    let bytes = 0;
    for (const pending of this.queue) {
      const merged = new Set([...countKeys, ...pending.countKeys]).size;
      const fits =
        batch.length === 0 ||
        (actions + pending.items.length + merged <= MAX_ACTIONS &&
          bytes + pending.bytes <= MAX_BYTES &&
          pending.keys.every((k) => !keys.has(k) && !countKeys.has(k)) &&
          pending.countKeys.every((k) => !keys.has(k)));
      if (!fits) {
        rest.push(pending);
        continue;
      }
      batch.push(pending);
      actions += pending.items.length;
      bytes += pending.bytes;
      for (const key of pending.keys) keys.add(key);
      for (const key of pending.countKeys) countKeys.add(key);
    }
    this.queue = rest;
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0] as Pending;
      await transactWrite(this.db, whole(only)).then(only.resolve, only.reject);
      return;
    }
    // The callers' own actions in order (reasons are read by position), then the merged count changes.
    const items = [...batch.flatMap((p) => p.items), ...mergeCountChanges(batch.flatMap((p) => p.counts))];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.client.send(new TransactWriteCommand({ TransactItems: items }));
        for (const pending of batch) pending.resolve();
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) {
          // Not about one caller's conditions (e.g. a validation error): each caller on its own.
          await Promise.all(batch.map((p) => transactWrite(this.db, whole(p)).then(p.resolve, p.reject)));
          return;
        }
        let offset = 0;
        const again: Pending[] = [];
        for (const pending of batch) {
          const own = reasons.slice(offset, offset + pending.items.length);
          offset += pending.items.length;
          const failed = own.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
          if (failed.length > 0) pending.reject(new TransactionCancelled(failed));
          else again.push(pending);
        }
        if (again.length === 0) return;
        if (again.length < batch.length) {
          // The callers whose conditions held go into the next call, ahead of later arrivals.
          this.queue.unshift(...again);
          return;
        }
        if (!reasons.some((r) => RETRYABLE.has(r.Code ?? ''))) {
          await Promise.all(batch.map((p) => transactWrite(this.db, whole(p)).then(p.resolve, p.reject)));
          return;
        }
        if (attempt >= MAX_ATTEMPTS) {
          for (const pending of batch) pending.reject(error);
          return;
        }
        await backoff(attempt, retryDelay);
      }
    }
  }
}

/** A caller's transaction as it submitted it (own actions, then its count changes). */
const whole = (pending: Pending): TransactItems => [...pending.items, ...pending.counts];

/** Table and primary key of the item an action names. */
function itemKey(item: TransactItem): string {
  const action = item.Put ?? item.Delete ?? item.Update ?? item.ConditionCheck;
  const key = (item.Put ? item.Put.Item : (action as { Key?: Record<string, unknown> } | undefined)?.Key) ?? {};
  return JSON.stringify([action?.TableName, key.PK, key.SK]);
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: string; CancellationReasons?: CancellationReason[] };
  return e.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}
