/** The table handle every repository function takes: a client and a table name. */
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';

export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Set on a handle whose concurrent transactions share calls (transactions.ts groupingWrites). */
  readonly commits?: { submit(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> };
}

let cached: Db | undefined;

/** The process-wide table handle, from TABLE_NAME and DYNAMODB_ENDPOINT (rebuilt only when they change). */
export function defaultDb(): Db {
  const client = documentClient();
  const table = tableName();
  if (cached?.client !== client || cached.table !== table) cached = { client, table };
  return cached;
}
