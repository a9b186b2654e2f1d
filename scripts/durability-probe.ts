/**
 * What survives a kill of DynamoDB Local with -dbPath (docs/getting-started.md): writes items, kills
 * java right after the last acknowledgement (SIGKILL, or SIGTERM with `term`), restarts it on the same
 * files and counts what is missing.
 *
 *   npx tsx scripts/durability-probe.ts [put|batch|tx] [delay ms before the kill] [kill|term]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const [mode = 'tx', delayText = '0', signal = 'kill'] = process.argv.slice(2);
const delay = Number(delayText);
const TABLE = 'probe';
const ROUNDS = 5;
const WRITES = 20;

const dataDir = await mkdtemp(join(tmpdir(), 'ddb-durability-'));
const clientOf = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
let ddb = await startDynamoDbLocal({ dataDir });
let client = clientOf(ddb.endpoint);
await client.send(
  new CreateTableCommand({
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);

async function write(key: string): Promise<void> {
  const item = (k: string) => ({ k: { S: k } });
  if (mode === 'put') await client.send(new PutItemCommand({ TableName: TABLE, Item: item(key) }));
  else if (mode === 'batch')
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [TABLE]: [{ PutRequest: { Item: item(key) } }, { PutRequest: { Item: item(`${key}+`) } }] },
      }),
    );
  else
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: item(key) } }, { Put: { TableName: TABLE, Item: item(`${key}+`) } }],
      }),
    );
}

try {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < WRITES; i += 1) await write(`r${round}-${i}`);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (signal === 'term') await ddb.stop();
    else process.kill(ddb.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    ddb = await startDynamoDbLocal({ dataDir });
    client = clientOf(ddb.endpoint);
    const missing: string[] = [];
    for (let i = 0; i < WRITES; i += 1) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { k: { S: `r${round}-${i}` } }, ConsistentRead: true }),
      );
      if (!Item) missing.push(`#${i + 1}`);
    }
    console.log(
      `${mode}, ${signal} ${delay} ms after the last answer: ${missing.length}/${WRITES} acknowledged writes missing ${missing.join(' ')}`,
    );
  }
} finally {
  await ddb.stop();
  await rm(dataDir, { recursive: true, force: true });
}
