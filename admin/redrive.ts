/**
 * `scim-admin events redrive` (issue #26): replays the stream batches the consumers failed after
 * their retries (functions/events/failed-batch.ts), oldest first, each through the consumer that
 * failed it: the change publisher's batches become change events again (same `jti`: a receiver
 * that saw some of them before de-duplicates), the membership janitor's batches are cleaned up
 * again (idempotent). A replayed batch is moved under `redriven/`; one that fails again stays for
 * the next run. Where: the stack's failed-batch bucket and bus (--stack), or `npm start`'s folder
 * and events file.
 */
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBRecord } from 'aws-lambda';
import { eventBridgeSink } from '../functions/events/eventbridge';
import { STACK_OUTPUTS } from '../lib/stack-outputs';
import { eventsModeFromEnv, localEventSink } from '../local/event-sinks';
import { directoryFailedBatchStore, s3FailedBatchStore } from '../local/failed-batch-stores';
import { FAILED_BATCHES_DIR } from '../local/server';
import { AdminError, EXIT, usageError } from './cli-errors';
import type { Connection } from './connection';
import { cleanUp } from '../functions/cleanup/orphan-memberships';
import type { ItemChange } from '../functions/events/change-event';
import { functionNameOf, parseFailedBatch, type FailedBatchStore } from '../functions/events/failed-batch';
import { streamPublisher, type EventSink } from '../functions/events/publish';
import { itemChangeOf } from '../functions/events/stream';
import type { Db } from '../functions/store/db';

/** The deployed consumers' function names (stack outputs; `publisher`/`janitor` locally). */
export interface StreamConsumers {
  readonly publisher: string;
  readonly janitor: string;
}

export interface RedriveResult {
  readonly replayed: string[];
  /** Failed again: kept for the next run. */
  readonly failed: string[];
  /** Not a batch of these consumers, or unreadable: kept and reported. */
  readonly skipped: string[];
}

export interface RedriveTargets {
  readonly store: FailedBatchStore;
  readonly consumers: StreamConsumers;
  /** Where the publisher's events go (EventBridge in AWS). */
  readonly sink: EventSink;
  readonly db: Db;
  readonly log?: (line: string) => void;
}

/** Time a janitor batch may take before it counts as failed again. */
const JANITOR_BUDGET_MS = 5 * 60_000;

export async function redrive(targets: RedriveTargets): Promise<RedriveResult> {
  const result: RedriveResult = { replayed: [], failed: [], skipped: [] };
  const log = targets.log ?? (() => undefined);
  const publish = streamPublisher(targets.sink);
  for (const key of await targets.store.pending()) {
    let outcome: 'replayed' | 'failed' | 'skipped';
    try {
      const { functionArn, event } = parseFailedBatch(await targets.store.get(key));
      const consumer = functionNameOf(functionArn);
      if (consumer === targets.consumers.publisher) {
        outcome = (await publish(event)).batchItemFailures.length === 0 ? 'replayed' : 'failed';
      } else if (consumer === targets.consumers.janitor) {
        outcome =
          (await cleanUp(targets.db, changesOf(event.Records), Date.now() + JANITOR_BUDGET_MS)).unfinished === undefined
            ? 'replayed'
            : 'failed';
      } else {
        outcome = 'skipped';
      }
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

const changesOf = (records: readonly DynamoDBRecord[]): ItemChange[] =>
  records.map(itemChangeOf).filter((change): change is ItemChange => change !== undefined);

/** The CLI command: the stack's bucket, bus and consumers with --stack, `npm start`'s otherwise. */
export async function redriveCommand(connection: Connection, io: { out(line: string): void }): Promise<void> {
  const targets = connection.local ? localTargets(connection) : awsTargets(connection);
  try {
    const result = await redrive({ ...targets, db: connection.db, log: (line) => io.out(line) });
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

type CommandTargets = Omit<RedriveTargets, 'db' | 'log'> & { close(): void };

function localTargets(connection: Connection): CommandTargets {
  const dataDir = connection.dataDir ?? '.data';
  const sink = localEventSink(eventsModeFromEnv(process.env.SCIM_EVENTS), dataDir);
  if (!sink) throw usageError('SCIM_EVENTS=off: there is nowhere to replay the change events to');
  return {
    store: directoryFailedBatchStore(join(dataDir, FAILED_BATCHES_DIR)),
    consumers: { publisher: 'publisher', janitor: 'janitor' },
    sink,
    close: () => undefined,
  };
}

function awsTargets(connection: Connection): CommandTargets {
  const output = (key: string) => {
    const value = connection.outputs?.[key];
    if (!value) throw usageError(`give the stack with --stack: redrive reads its ${key} output`);
    return value;
  };
  const region = connection.region ? { region: connection.region } : {};
  const s3 = new S3Client(region);
  const eventBridge = new EventBridgeClient(region);
  return {
    store: s3FailedBatchStore(s3, output(STACK_OUTPUTS.failedBatchBucket)),
    consumers: { publisher: output(STACK_OUTPUTS.streamConsumer('publisher')), janitor: output(STACK_OUTPUTS.streamConsumer('janitor')) },
    sink: eventBridgeSink(eventBridge, output(STACK_OUTPUTS.eventBusName)),
    close: () => {
      s3.destroy();
      eventBridge.destroy();
    },
  };
}
