/**
 * Who replays a failed stream batch for `scim-admin events redrive` (admin/redrive.ts). In AWS: the
 * function that failed it, invoked with the batch (Lambda Invoke, RequestResponse), so the replay
 * runs with that function's role, key and settings; only the stack's own consumers (its
 * `<Consumer>FunctionName` outputs) are invoked. Locally: the same handlers in this process, on `npm
 * start`'s table and data folder — the publisher writes where SCIM_EVENTS says, the outbox writer
 * signs with the data folder's events key (SETs' `iss`: SSF_ISSUER, default http://localhost:8080).
 */
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { activityRecorder } from '../functions/activity/recorder';
import { cleanUp } from '../functions/cleanup/orphan-memberships';
import { environment } from '../functions/commons/environment';
import type { ItemChange } from '../functions/events/change-event';
import { allPushStreams, deliverAll } from '../functions/events/delivery-sweep';
import type { FailedBatchStore } from '../functions/events/failed-batch';
import { outboxWriter } from '../functions/events/outbox-writer';
import { deploymentEventOptions, streamPublisher } from '../functions/events/publish';
import { eventSigner } from '../functions/events/set-signer';
import { itemChangeOf } from '../functions/events/stream';
import { STACK_OUTPUTS, STREAM_CONSUMERS } from '../lib/stack-outputs';
import { eventsModeFromEnv, localEventSink } from '../local/event-sinks';
import { directoryFailedBatchStore, s3FailedBatchStore } from '../local/failed-batch-stores';
import { FAILED_BATCHES_DIR } from '../local/data-folder';
import { usageError } from './cli-errors';
import type { Connection } from './connection';

/** Replays one batch; true when every record was handled. */
export type ConsumerReplay = (event: DynamoDBStreamEvent, functionArn: string) => Promise<boolean>;
/** Consumer function name → its replay. */
export type StreamConsumers = Readonly<Record<string, ConsumerReplay>>;

export interface ConsumerTargets {
  readonly store: FailedBatchStore;
  readonly consumers: StreamConsumers;
  close(): void;
}

/** Time a replayed batch may take before it counts as failed again (Lambda's consumers have 5 minutes). */
const REPLAY_BUDGET_MS = 5 * 60_000;

const handled = (response: DynamoDBBatchResponse | undefined) => (response?.batchItemFailures ?? []).length === 0;

const changesOf = (event: DynamoDBStreamEvent): ItemChange[] =>
  event.Records.map(itemChangeOf).filter((change): change is ItemChange => change !== undefined);

/** `npm start`'s consumers, run here on the CLI's connection to its table. */
export function localConsumers(connection: Pick<Connection, 'db' | 'dataDir'>, log: (line: string) => void): ConsumerTargets {
  const db = connection.db;
  const dataDir = connection.dataDir ?? '.data';
  const sink = localEventSink(eventsModeFromEnv(environment.localEventsMode()), dataDir);
  const consumers: Record<string, ConsumerReplay> = {
    janitor: async (event) => (await cleanUp(db, changesOf(event), Date.now() + REPLAY_BUDGET_MS)).unfinished === undefined,
    recorder: async (event) =>
      handled(
        await activityRecorder(
          () => db,
          async (storm) => log(`refusal storm: ${storm.tenantId}`),
        )(event),
      ),
    outbox: async (event) => handled(await outboxWriter({ db: () => db, signer: eventSigner, log })(event)),
    // Delivery state lives in the outboxes: a pass over every push stream does what the batch asked, and more.
    delivery: async () => {
      await deliverAll(db, await allPushStreams(db), { deadline: Date.now() + REPLAY_BUDGET_MS, log });
      return true;
    },
  };
  if (sink) consumers.publisher = async (event) => handled(await streamPublisher(sink, deploymentEventOptions, () => db)(event));
  return { store: directoryFailedBatchStore(join(dataDir, FAILED_BATCHES_DIR)), consumers, close: () => undefined };
}

/** The stack's consumers, each invoked in Lambda with its failed batch. */
export function awsConsumers(connection: Connection, lambda = new LambdaClient(connection.region ? { region: connection.region } : {})) {
  const output = (key: string) => {
    const value = connection.outputs?.[key];
    if (!value) throw usageError(`give the stack with --stack: redrive reads its ${key} output`);
    return value;
  };
  const s3 = new S3Client(connection.region ? { region: connection.region } : {});
  const consumers: Record<string, ConsumerReplay> = {};
  for (const consumer of STREAM_CONSUMERS) {
    const functionName = connection.outputs?.[STACK_OUTPUTS.streamConsumer(consumer)];
    if (functionName) consumers[functionName] = (event) => invokeWithBatch(lambda, functionName, event);
  }
  return {
    store: s3FailedBatchStore(s3, output(STACK_OUTPUTS.failedBatchBucket)),
    consumers,
    close: () => {
      s3.destroy();
      lambda.destroy();
    },
  } satisfies ConsumerTargets;
}

/** Lambda Invoke (RequestResponse): handled when the function neither failed nor reported a failed record. */
export async function invokeWithBatch(lambda: LambdaClient, functionName: string, event: DynamoDBStreamEvent): Promise<boolean> {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  if (answer.FunctionError) return false;
  const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
  return handled(text ? ((JSON.parse(text) as DynamoDBBatchResponse | null) ?? undefined) : undefined);
}
