/** The table handle every repository function takes: a client and a table name. */
import { GetCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './dynamodb-client';

export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Set on a handle whose concurrent transactions share calls (transactions.ts groupingWrites). */
  readonly commits?: { submit(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> };
}

/** An item as the document client returns it (util-dynamodb's unmarshall). */
export type StoredItem = Record<string, unknown>;

/**
 * One strongly consistent GetItem by key: all the key reads need (store/key-reads.ts). The
 * authorizer reads through the SDK-free lean table (store/lean-table.ts); everything else through
 * consistentReads(db).
 */
export interface ItemReads {
  getItem(key: Readonly<Record<string, string>>): Promise<StoredItem | undefined>;
}

export function consistentReads(db: Db): ItemReads {
  return {
    async getItem(key) {
      const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
      return Item;
    },
  };
}

let cached: Db | undefined;

/** The process-wide table handle, from TABLE_NAME and DYNAMODB_ENDPOINT (rebuilt only when they change). */
export function defaultDb(): Db {
  const client = documentClient();
  const table = tableName();
  if (cached?.client !== client || cached.table !== table) cached = { client, table };
  return cached;
}
