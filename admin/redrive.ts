/**
 * `scim-admin events redrive` (issue #26): replays the stream batches the consumers failed after
 * their retries (functions/events/failed-batch.ts), oldest first, each through the consumer that
 * failed it — every stream consumer of the stack: the change publisher (change events again, same
 * `jti`: a receiver that saw some before de-duplicates), the membership janitor (cleaned up again,
 * idempotent), the activity recorder (records written again under the same keys), the event outbox
 * writer (SETs signed into the outboxes, one per change and stream) and the push delivery (a
 * delivery pass). In AWS the batch goes to the very function that failed it (Lambda Invoke, with
 * its own role and configuration); locally the same handlers run in the CLI's process on `npm
 * start`'s table (admin/redrive-consumers.ts). A replayed batch is moved under `redriven/`; one that
 * fails again stays for the next run.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { AdminError, EXIT } from './cli-errors';
import type { Connection } from './connection';
import { functionNameOf, parseFailedBatch, type FailedBatchStore } from '../functions/events/failed-batch';
import type { StreamConsumers } from './redrive-consumers';

export interface RedriveResult {
  readonly replayed: string[];
  /** Failed again: kept for the next run. */
  readonly failed: string[];
  /** Not a batch of these consumers, or unreadable: kept and reported. */
  readonly skipped: string[];
}

export interface RedriveTargets {
  readonly store: FailedBatchStore;
  /** Consumer function name → replay of one batch (true when every record was handled). */
  readonly consumers: StreamConsumers;
  readonly log?: (line: string) => void;
}

export async function redrive(targets: RedriveTargets): Promise<RedriveResult> {
  const result: RedriveResult = { replayed: [], failed: [], skipped: [] };
  const log = targets.log ?? (() => undefined);
  for (const key of await targets.store.pending()) {
    let outcome: 'replayed' | 'failed' | 'skipped';
    try {
      const { functionArn, event } = parseFailedBatch(await targets.store.get(key));
      const replay = consumerOf(targets.consumers, functionNameOf(functionArn));
      outcome = replay ? ((await replay(event, functionArn)) ? 'replayed' : 'failed') : 'skipped';
    } catch (error) {
      log(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      outcome = error instanceof SyntaxError || /invocation record/.test(String(error)) ? 'skipped' : 'failed';
    }
    if (outcome === 'replayed') await targets.store.markRedriven(key);
    result[outcome].push(key);
    log(`${outcome}\t${key}`);
  }
  return result;
}

const consumerOf = (consumers: StreamConsumers, name: string) =>
  Object.hasOwn(consumers, name) ? (consumers[name] as (event: DynamoDBStreamEvent, functionArn: string) => Promise<boolean>) : undefined;

/** The CLI command: the stack's bucket and functions with --stack, `npm start`'s folder and handlers otherwise. */
export async function redriveCommand(connection: Connection, io: { out(line: string): void }): Promise<void> {
  // Loaded here, not with the CLI: the consumers bring every stream handler, which no other command needs.
  const { awsConsumers, localConsumers } = await import('./redrive-consumers');
  const targets = connection.local ? localConsumers(connection, io.out) : awsConsumers(connection);
  try {
    const result = await redrive({ ...targets, log: (line) => io.out(line) });
    io.out(`replayed ${result.replayed.length}, failed again ${result.failed.length}, skipped ${result.skipped.length}`);
    if (result.failed.length > 0)
      throw new AdminError(
        `${result.failed.length} batches failed again and were kept; run redrive again once the cause is fixed`,
        EXIT.failed,
      );
  } finally {
    targets.close();
  }
}
