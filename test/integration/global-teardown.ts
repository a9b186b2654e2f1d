/** Jest global teardown: stops the DynamoDB Local of global-setup.ts. */
import type { DynamoDbLocal } from '../../local/dynamodb-local';
import { RUN_DYNAMODB } from '../support/run-dynamodb';

export default async function globalTeardown(): Promise<void> {
  const dynamo = (globalThis as Record<symbol, unknown>)[RUN_DYNAMODB] as DynamoDbLocal | undefined;
  await dynamo?.stop();
}
