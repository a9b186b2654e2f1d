/**
 * A fresh table per test file on the run's DynamoDB Local (started by the jest global setup).
 * testDb also sets TABLE_NAME, so handlers and the authorizer imported by the same test file
 * (functions/store/db.ts defaultDb) use this table: jest gives each test file its own modules
 * and its own process.env.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig, createDocumentClient } from '../../functions/store/dynamodb-client';
import type { Db } from '../../functions/store/db';
import { ensureTable } from '../../local/local-table';

export function runDynamoEndpoint(): string {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run integration tests with the jest global setup (test/integration/global-setup.ts)');
  }
  return endpoint;
}

/** `<prefix>-<random>`, within DynamoDB's table name alphabet. */
export function uniqueTableName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 200);
  return `${clean}-${randomBytes(6).toString('hex')}`;
}

export async function testDb(prefix: string): Promise<Db> {
  const endpoint = runDynamoEndpoint();
  const table = uniqueTableName(prefix);
  const config = clientConfig({ ...process.env, DYNAMODB_ENDPOINT: endpoint });
  const admin = new DynamoDBClient(config);
  try {
    await ensureTable(admin, table);
  } finally {
    admin.destroy();
  }
  process.env.TABLE_NAME = table;
  return { client: createDocumentClient(config), table };
}

export async function deleteTable(tableName: string): Promise<void> {
  const admin = new DynamoDBClient(clientConfig({ ...process.env, DYNAMODB_ENDPOINT: runDynamoEndpoint() }));
  try {
    await admin.send(new DeleteTableCommand({ TableName: tableName }));
  } finally {
    admin.destroy();
  }
}

/** Deletes a testDb table and releases its client. */
export async function dropTable(db: Db): Promise<void> {
  try {
    await deleteTable(db.table);
  } finally {
    db.client.destroy();
  }
}
