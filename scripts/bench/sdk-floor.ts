/**
 * What one DynamoDB call costs the handler's process in CPU, by layer: a GetItem of a user item
 * (the shape the store writes) through the project's document client (functions/store/dynamodb-client.ts),
 * through a document client with the SDK's default middlewares, and as a bare HTTP exchange of the
 * same request bytes on a keep-alive connection (no SDK: what any client pays for the socket and
 * HTTP parsing). The variants take turns, round after round, so that load on a shared machine
 * weighs on all of them alike; the median round is printed.
 *
 *   node scripts/node22.mjs --import tsx scripts/bench/sdk-floor.ts [calls per round, default 500]
 */
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/dynamodb-client';
import { PARTITION_KEY, SORT_KEY } from '../../functions/store/table-definition';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { ensureTable } from '../../local/local-table';
import { cpuMicros } from './cpu';
import { entraUser } from './cycles';
import { round, table } from './stats';

const calls = Number(process.argv[2] ?? '500');
const ROUNDS = 7;
const TABLE = 'sdk-floor';

const dynamo = await startDynamoDbLocal({ log: () => undefined });
try {
  const config = { endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const admin = new DynamoDBClient(config);
  await ensureTable(admin, TABLE);
  const project = createDocumentClient(config);
  const sdkDefaults = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
  const key = { [PARTITION_KEY]: 'TENANT#t1', [SORT_KEY]: 'User#a' };
  await project.send(new PutCommand({ TableName: TABLE, Item: { ...key, version: 3, resource: { ...entraUser(1), id: 'a' } } }));
  const get = new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true });

  // The request the SDK sends, captured once and replayed (DynamoDB Local does not check signatures).
  let captured: { path: string; headers: Record<string, string>; body: string } | undefined;
  const capture = new DynamoDBClient(config);
  capture.middlewareStack.add(
    (next) => async (args) => {
      const r = args.request as { path: string; headers: Record<string, string>; body: string };
      captured = { path: r.path, headers: { ...r.headers }, body: r.body };
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureRequest' },
  );
  await DynamoDBDocumentClient.from(capture).send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
  if (!captured) throw new Error('no request captured');
  const endpoint = new URL(dynamo.endpoint);
  const agent = new Agent({ keepAlive: true });
  const { path, headers, body } = captured;
  const bare = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: endpoint.hostname, port: endpoint.port, method: 'POST', path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  const variants: Record<string, () => Promise<unknown>> = {
    'project client (store/dynamodb-client.ts)': () => project.send(get),
    'document client, SDK default middlewares': () => sdkDefaults.send(get),
    'bare HTTP exchange, same bytes (no SDK)': bare,
  };
  const perCall = new Map<string, number[]>();
  for (const run of Object.values(variants)) for (let i = 0; i < 200; i += 1) await run();
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [name, run] of Object.entries(variants)) {
      const started = cpuMicros();
      for (let i = 0; i < calls; i += 1) await run();
      perCall.set(name, [...(perCall.get(name) ?? []), (cpuMicros() - started) / 1000 / calls]);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  console.log(`GetItem of a user item, process CPU per call (median of ${ROUNDS} rounds of ${calls}):`);
  console.log(table([...perCall].map(([variant, values]) => ({ variant, 'CPU ms per call': round(median(values), 3) }))));
  project.destroy();
  sdkDefaults.destroy();
  capture.destroy();
  admin.destroy();
  agent.destroy();
} finally {
  await dynamo.stop();
}
