/**
 * Failed stream batches (issue #26): what Lambda writes to the S3 on-failure destination of a
 * DynamoDB stream event source mapping once a consumer has failed a batch after its retries (the
 * invocation record, carrying the whole batch as `payload`), the same shape the local stream poller
 * writes, and the store both sit in. `scim-admin events redrive` (admin/redrive.ts) reads them back.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isObject } from '../commons/json';

/** Objects moved here once replayed (the bucket's lifecycle expires them after 30 days). */
export const REDRIVEN_PREFIX = 'redriven/';

/** The fields of Lambda's invocation record this project reads and writes. */
export interface FailedBatchRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: string;
    readonly approximateInvokeCount: number;
  };
  readonly DDBStreamBatchInfo?: {
    readonly shardId?: string;
    readonly startSequenceNumber?: string;
    readonly endSequenceNumber?: string;
    readonly batchSize?: number;
    readonly streamArn?: string;
  };
  /** The invocation's event: a JSON string in Lambda's S3 records (an object is accepted as well). */
  readonly payload: string | DynamoDBStreamEvent;
}

/** Where failed batches are kept: the S3 bucket in AWS (and moto), a folder locally (local/failed-batch-stores.ts). */
export interface FailedBatchStore {
  put(key: string, body: string): Promise<void>;
  /** Keys of batches not yet replayed, oldest first. */
  pending(): Promise<string[]>;
  get(key: string): Promise<string>;
  /** Moves a replayed batch under REDRIVEN_PREFIX. */
  markRedriven(key: string): Promise<void>;
}

/** The record the local stream poller writes for a batch that failed its retries (Lambda's shape). */
export function failedBatchRecord(
  functionArn: string,
  records: readonly DynamoDBRecord[],
  attempts: number,
  now = new Date(),
): FailedBatchRecord {
  const first = records[0]?.dynamodb?.SequenceNumber;
  const last = records.at(-1)?.dynamodb?.SequenceNumber;
  return {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: { requestId: randomUUID(), functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempts },
    DDBStreamBatchInfo: {
      ...(first ? { startSequenceNumber: first } : {}),
      ...(last ? { endSequenceNumber: last } : {}),
      batchSize: records.length,
    },
    payload: JSON.stringify({ Records: records }),
  };
}

/** An object key that sorts by time, like Lambda's own (`aws/lambda/<mapping>/<shard>/<yyyy>/<mm>/<dd>/...`). */
export const failedBatchKey = (consumer: string, now = new Date()): string =>
  `local/${consumer}/${now.toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.json`;

export interface ParsedFailedBatch {
  readonly functionArn: string;
  readonly event: DynamoDBStreamEvent;
}

/** Reads a stored invocation record; throws when it is not one (the redrive then skips and reports it). */
export function parseFailedBatch(body: string): ParsedFailedBatch {
  const record: unknown = JSON.parse(body);
  if (!isObject(record) || !isObject(record.requestContext) || typeof record.requestContext.functionArn !== 'string') {
    throw new Error('not a Lambda invocation record (no requestContext.functionArn)');
  }
  const payload: unknown = typeof record.payload === 'string' ? JSON.parse(record.payload) : record.payload;
  if (!isObject(payload) || !Array.isArray(payload.Records))
    throw new Error('the invocation record carries no stream batch (payload.Records)');
  return { functionArn: record.requestContext.functionArn, event: { Records: payload.Records as DynamoDBRecord[] } };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`. */
export function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  const at = parts.indexOf('function');
  return at === -1 ? functionArn : (parts[at + 1] ?? '');
}
