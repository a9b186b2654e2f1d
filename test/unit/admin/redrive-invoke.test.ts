/**
 * The AWS half of `scim-admin events redrive` (admin/redrive-consumers.ts `invokeWithBatch`): the
 * failed batch goes to the consumer function through Lambda's Invoke API (RequestResponse) and the
 * answer decides replayed or failed again. No Lambda runs here: a loopback server answers Lambda's
 * Invoke REST call (`POST /2015-03-31/functions/<name>/invocations`) the way Lambda does — the
 * function's return value as the body, `X-Amz-Function-Error` when it threw — so the SDK call, the
 * event sent and the reading of the answer are the real ones.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { invokeWithBatch } from '../../../admin/redrive-consumers';

let server: Server;
let lambda: LambdaClient;
const received: { path: string; event: DynamoDBStreamEvent }[] = [];
let answer: { status: number; headers?: Record<string, string>; body: string } = { status: 200, body: '{"batchItemFailures":[]}' };

const batch: DynamoDBStreamEvent = {
  Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '100', NewImage: { entity: { S: 'User' } } } }],
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', event: JSON.parse(Buffer.concat(chunks).toString('utf8')) as DynamoDBStreamEvent });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  lambda = new LambdaClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  lambda.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('invokes the named function with the batch as its event, and a clean answer is a replay', async () => {
  expect(await invokeWithBatch(lambda, 'ScimServerless-recorder-AbC', batch)).toBe(true);
  expect(received.at(-1)?.path).toBe('/2015-03-31/functions/ScimServerless-recorder-AbC/invocations');
  expect(received.at(-1)?.event).toEqual(batch);
});

it('a reported failed record or a function error is failed again; a null answer is a replay', async () => {
  answer = { status: 200, body: '{"batchItemFailures":[{"itemIdentifier":"100"}]}' };
  expect(await invokeWithBatch(lambda, 'ScimServerless-outbox-XyZ', batch)).toBe(false);
  answer = { status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"Error","errorMessage":"down"}' };
  expect(await invokeWithBatch(lambda, 'ScimServerless-outbox-XyZ', batch)).toBe(false);
  answer = { status: 200, body: 'null' };
  // A consumer that returns nothing handled every record (the delivery function's schedule path returns nothing).
  expect(await invokeWithBatch(lambda, 'ScimServerless-delivery-Q', batch)).toBe(true);
});
