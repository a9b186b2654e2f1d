/** The table handle every repository function takes: a client and a table name. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';

export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}

let cached: Db | undefined;

/** The process-wide table handle, from TABLE_NAME and DYNAMODB_ENDPOINT. */
export function defaultDb(): Db {
  cached ??= { client: documentClient(), table: tableName() };
  return cached;
}
