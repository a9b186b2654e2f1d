/** Creates the single table (shape from functions/store/table-definition.ts) on DynamoDB Local when absent. */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../functions/store/table-definition';
import { errorNamed } from '../functions/commons/error-named';

const ACTIVE_TIMEOUT_MS = 30_000;

/** Idempotent: an existing table is kept as it is. Resolves once the table and its index are ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!errorNamed(error, 'ResourceInUseException')) throw error;
  }
  await waitUntilActive(client, tableName);
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS / 1000} s`);
}
