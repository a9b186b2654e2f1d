/**
 * Lambda's DynamoDB event source mapping, locally: polls the table's stream on DynamoDB Local and
 * hands batches to the stream functions (the janitor), the way Lambda would. A batch the function
 * reports as failed from some record is retried from that record, as with
 * ReportBatchItemFailures in AWS; what still fails after the last attempt goes to `onFailure` with
 * its records, like the S3 on-failure destination the stack configures (lib/dead-letters.ts).
 * Like the event source mapping, it keeps its position per shard (local/stream-checkpoints.ts): a
 * restarted server resumes after the last batch handled, not at the stream's trim horizon.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { errorName, errorNamed } from '../functions/commons/error-named';
import { lambdaContext } from './functions';
import { fileCheckpoints, memoryCheckpoints, type StreamCheckpoints } from './stream-checkpoints';

export type StreamFunction = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export interface StreamPollerOptions {
  readonly config: DynamoDBClientConfig;
  readonly tableName: string;
  readonly functions: Readonly<Record<string, StreamFunction>>;
  readonly intervalMs?: number;
  readonly log: (line: string) => void;
  /** Records a function still failed after its attempts (the local server stores them for redrive). */
  readonly onFailure?: (functionName: string, records: DynamoDBRecord[], attempts: number) => Promise<void>;
  /** Keep the per-shard position in this file and resume from it (`npm start`); default: memory only. */
  readonly checkpointFile?: string;
}

export interface StreamPoller {
  /** Resolves once every record written so far has been handled (tests). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const BATCH_SIZE = 100;
/** The stream consumers' Lambda timeout in AWS (lib/scim-endpoint.ts STREAM_FUNCTION_TIMEOUT). */
const STREAM_FUNCTION_TIMEOUT_MS = 5 * 60_000;
/** Attempts per batch before its records go to `onFailure`. */
const ATTEMPTS = 5;

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const client = new DynamoDBStreamsClient(options.config);
  const { Streams } = await client.send(new ListStreamsCommand({ TableName: options.tableName }));
  const streamArn = Streams?.[0]?.StreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  /** Shard id → next iterator; null once the shard is closed and read to its end. */
  const iterators = new Map<string, string | null>();
  let stopped = false;

  const checkpoints: StreamCheckpoints = options.checkpointFile ? fileCheckpoints(options.checkpointFile, streamArn) : memoryCheckpoints();

  const discoverShards = async () => {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      iterators.set(shard.ShardId, await firstIterator(client, streamArn, shard.ShardId, checkpoints, options.log));
    }
  };

  /** One pass over every open shard; true when any records were handled. */
  const pass = async (): Promise<boolean> => {
    await discoverShards();
    let any = false;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const { Records, NextShardIterator } = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH_SIZE }));
      if (Records && Records.length > 0) {
        any = true;
        await deliver(Records.map(toLambdaRecord), options);
      }
      // Handled (or kept as a failed batch) by every function: only now is the position moved on.
      const last = Records?.at(-1)?.dynamodb?.SequenceNumber ?? checkpoints.get(shardId)?.sequenceNumber;
      if (Records?.length || !NextShardIterator) {
        checkpoints.set(shardId, { ...(last ? { sequenceNumber: last } : {}), ...(NextShardIterator ? {} : { closed: true }) });
      }
      iterators.set(shardId, NextShardIterator ?? null);
    }
    return any;
  };

  // Passes never overlap: shard iterators are advanced by one reader at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const serialPass = (): Promise<boolean> => {
    const next = chain.then(pass);
    chain = next.catch((error: unknown) => options.log(`stream poller: ${error instanceof Error ? error.message : 'failure'}`));
    return next;
  };

  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    void serialPass()
      .catch(() => false)
      .then(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 250);
      });
  };
  tick();

  return {
    drain: async () => {
      while (await serialPass()) {
        // until a pass finds nothing new
      }
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await chain;
      client.destroy();
    },
  };
}

/**
 * Where reading a shard starts: after its checkpoint; at its trim horizon when it has none or the
 * checkpoint's record is no longer in the stream (then what lies between is gone, and the log says so).
 */
async function firstIterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  checkpoints: StreamCheckpoints,
  log: (line: string) => void,
): Promise<string | null> {
  const checkpoint = checkpoints.get(shardId);
  if (checkpoint?.closed) return null;
  if (checkpoint?.sequenceNumber) {
    try {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          SequenceNumber: checkpoint.sequenceNumber,
        }),
      );
      return ShardIterator ?? null;
    } catch (error) {
      // Anything else (DynamoDB Local not answering) fails this pass; the next one tries again.
      if (!errorNamed(error, 'TrimmedDataAccessException', 'ValidationException')) throw error;
      log(`stream poller: shard ${shardId} cannot resume after its checkpoint (${errorName(error)}); reading from its trim horizon`);
    }
  }
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return ShardIterator ?? null;
}

/** Runs each function on the batch, retrying from the record it reports (at most ATTEMPTS times). */
async function deliver(records: DynamoDBRecord[], options: StreamPollerOptions): Promise<void> {
  for (const [name, fn] of Object.entries(options.functions)) {
    let pending = records;
    let attempt = 1;
    for (; pending.length > 0 && attempt <= ATTEMPTS; attempt += 1) {
      const context = lambdaContext(name, `stream-${Date.now()}`, STREAM_FUNCTION_TIMEOUT_MS);
      const result = await fn({ Records: pending }, context).catch((error: unknown) => {
        options.log(`${name} failed: ${error instanceof Error ? error.name : 'error'}`);
        return { batchItemFailures: [{ itemIdentifier: pending[0]?.dynamodb?.SequenceNumber ?? '' }] };
      });
      const failed = result.batchItemFailures[0]?.itemIdentifier;
      const from = pending.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
      pending = failed === undefined || from === -1 ? [] : pending.slice(from);
    }
    if (pending.length > 0) await options.onFailure?.(name, pending, attempt - 1);
  }
}

/** The SDK's stream record in the shape Lambda delivers (epoch seconds, lower-case event source). */
function toLambdaRecord(record: StreamRecord): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    dynamodb: {
      ...(data?.ApproximateCreationDateTime ? { ApproximateCreationDateTime: data.ApproximateCreationDateTime.getTime() / 1000 } : {}),
      ...(data?.Keys ? { Keys: data.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'] } : {}),
      ...(data?.NewImage ? { NewImage: data.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
      ...(data?.OldImage ? { OldImage: data.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] } : {}),
      ...(data?.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
      ...(data?.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
      ...(data?.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
    },
  };
}
