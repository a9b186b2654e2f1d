/**
 * Jest global setup: one in-memory DynamoDB Local for the whole run. Its endpoint goes into
 * DYNAMODB_ENDPOINT, which the test workers inherit; each test file makes its own table on it
 * (test/support/dynamodb.ts). Installs the emulator on first use.
 */
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { RUN_DYNAMODB } from '../support/run-dynamodb';

export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ log: (line) => console.log(line) });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  // Setup and teardown run in the same process but may not share modules: globalThis carries it.
  (globalThis as Record<symbol, unknown>)[RUN_DYNAMODB] = dynamo;
}
