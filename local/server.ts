/**
 * The local stack: DynamoDB Local + the single table + seeded tenants + an HTTP server that runs the
 * real authorizer and Lambda handlers behind an emulated API Gateway (see gateway.ts).
 *
 * One stack per process (or per jest test file): the handlers read TABLE_NAME and
 * DYNAMODB_ENDPOINT from process.env and functions/store/db.ts caches one table per process, so
 * startLocalStack sets both before any handler is loaded. Jest (ESM) gives every test file its own
 * module registry and its own process.env copy, so each test file may start one stack on its own table.
 */
import type { TenantThrottleSettings } from './tenant-throttle';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { clientConfig, createDocumentClient } from '../functions/store/dynamodb-client';
import type { Db } from '../functions/store/db';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import type { FunctionOverrides } from './functions';
import { localGateway, type AroundInvoke, type Gateway } from './gateway';
import { gatewayError } from './local-gateway-responses';
import { seedEventStreams, seedOAuthClients, seedTenants, type LocalOAuthClient, type LocalTenant } from './seed';
import { configuredRateTiers } from '../functions/tenants/configured-rate-tiers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { localSigner } from '../functions/signing/local-signer';
import { join } from 'node:path';
import { startStreamPoller, type StreamFunction, type StreamPoller } from './stream-poller';
import { CHECKPOINT_FILE } from './stream-checkpoints';
import { startTenantPurgeLoop, type TenantPurgeLoop } from './tenant-purge-loop';
import { environment } from '../functions/commons/environment';
import { directoryFailedBatchStore } from './failed-batch-stores';
import { failedBatchKey, failedBatchRecord, type FailedBatchStore } from '../functions/events/failed-batch';
import { handler as janitor } from '../functions/membership-janitor';
import { deploymentEventOptions, streamPublisher, type EventSink } from '../functions/events/publish';
import { ensureTable } from './local-table';
import { outboxWriter } from '../functions/events/outbox-writer';
import { eventSigner } from '../functions/events/set-signer';
import { startEventDeliveryLoop, type EventDeliveryLoop } from './event-delivery-loop';
import type { StormSink } from '../functions/activity/recorder';
import { localAdminKey } from './admin-key';
import { ADMIN_API_PATH } from '../functions/routes';
import { DEFAULT_PORT, DEFAULT_TABLE_NAME, EVENTS_KEY_FILE, EVENTS_SECRETS_FILE, FAILED_BATCHES_DIR, OAUTH_KEY_FILE } from './data-folder';

export const DEFAULT_HOST = '127.0.0.1';
/** API Gateway's request payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface LocalStackOptions {
  /** 0 picks a free port. Default 8080. */
  readonly port?: number;
  /**
   * Interface to listen on. Default 127.0.0.1: only this machine can reach the server (and the
   * tenants' tokens it prints). `0.0.0.0` or an address exposes it (SCIM_LISTEN_HOST for `npm start`).
   */
  readonly host?: string;
  /** DynamoDB Local keeps its data in `<dataDir>/dynamodb`; in memory when absent. */
  readonly dataDir?: string;
  readonly tableName?: string;
  readonly tenants?: readonly LocalTenant[];
  /** OAuth clients to seed (their tenants must be among `tenants`). */
  readonly oauthClients?: readonly LocalOAuthClient[];
  /** Use this running DynamoDB Local instead of starting one. */
  readonly dynamoEndpoint?: string;
  readonly functions?: FunctionOverrides;
  /** Default: SCIM_AUTHORIZER_CACHE_SECONDS, else 0. */
  readonly authorizerCacheSeconds?: number;
  /** Emulate API Gateway's per-tenant usage-plan throttle (local/tenant-throttle.ts; the load test). Default: none. */
  readonly tenantThrottle?: TenantThrottleSettings;
  /** The authorizer cache's clock (milliseconds). Default Date.now; tests pass one they move by hand. */
  readonly authorizerClock?: () => number;
  /** One line per request and operator messages. Default console.log. */
  readonly log?: (line: string) => void;
  /** Run the stream functions (the membership janitor) on the table's stream. Default true. */
  readonly streams?: boolean;
  /**
   * Runs around the handling of each HTTP request (the benchmark meters DynamoDB calls per request
   * with it). Default: none.
   */
  readonly aroundRequest?: AroundRequest;
  /** Runs around each Lambda handler invocation (the benchmark measures handler CPU with it). Default: none. */
  readonly aroundInvoke?: AroundInvoke;
  /** Runs around each stream function's batch (the cost script counts invocations, records and ms with it). Default: none. */
  readonly aroundStreamInvoke?: AroundStreamInvoke;
  /**
   * Run the event streams (docs/events.md): the outbox writer on the table's stream and the push
   * delivery loop. Default: the same as `streams`.
   */
  readonly eventStreams?: boolean;
  /** Also run the change-event publisher on the stream, delivering to this sink. */
  readonly eventSink?: EventSink;
  /** Where refusal storms go (the bus in AWS); default: the log. */
  readonly stormSink?: StormSink;
  /**
   * Where stream batches a function still fails after its retries are kept for `scim-admin events
   * redrive`. Default: `<dataDir>/failed-batches/` (local/failed-batch-stores.ts); none in memory.
   */
  readonly failedBatches?: FailedBatchStore;
  /** DynamoDB Local (started by this stack) exited on its own. */
  readonly onDynamoDbExit?: (code: number | null) => void;
  /**
   * The admin API's key (Authorization: Bearer <key> on /admin/v1). Default: the one in
   * `<dataDir>/admin-key` (created on first start), or a fresh one for an in-memory stack.
   */
  readonly adminKey?: string;
  /**
   * Purge deleted tenants' data in the background (local/tenant-purge-loop.ts). Default true;
   * `quarantineMs` (default: the authorizer cache and profile TTL when caching, + 6 s) is how long after `DELETE` the last sweep waits.
   */
  readonly tenantPurge?: boolean | { readonly quarantineMs?: number };
}

export type AroundStreamInvoke = (
  functionName: string,
  event: DynamoDBStreamEvent,
  invoke: () => Promise<DynamoDBBatchResponse>,
) => Promise<DynamoDBBatchResponse>;

export type AroundRequest = <T>(request: IncomingMessage, handle: () => Promise<T>) => Promise<T>;

export interface LocalStack {
  /** `http://localhost:<port>`, or `http://<host>:<port>` when bound to one other address */
  readonly url: string;
  readonly port: number;
  /** The address the server is bound to. */
  readonly host: string;
  readonly dynamoEndpoint: string;
  readonly db: Db;
  tenantUrl(tenantId: string): string;
  /** The tenant's OAuth 2.0 token endpoint. */
  tokenUrl(tenantId: string): string;
  /** `<url>/admin/v1`, and the key it wants as `Authorization: Bearer <adminKey>`. */
  readonly adminUrl: string;
  readonly adminKey: string;
  /** Resolves once the stream functions have handled every change made so far. */
  drainStreams(): Promise<void>;
  /** Closes the HTTP server, then stops DynamoDB Local if this stack started it. */
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const dynamo = options.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.onDynamoDbExit ? { onUnexpectedExit: options.onDynamoDbExit } : {}),
        log,
      });
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  process.env.DYNAMODB_ENDPOINT = dynamoEndpoint;
  process.env.TABLE_NAME = tableName;
  // The access-token signing key (functions/signing/local-signer.ts): kept in the data folder, or
  // for an in-memory stack in a temporary folder removed on stop.
  const keyDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'scim-oauth-'));
  process.env.OAUTH_LOCAL_KEY_FILE = join(options.dataDir ?? (keyDir as string), OAUTH_KEY_FILE);
  // Created on first start (kept afterwards), not on the first token request.
  localSigner(process.env.OAUTH_LOCAL_KEY_FILE);
  // The event streams' SET key and secrets key live beside it; pushes may go to http on loopback.
  process.env.EVENTS_LOCAL_KEY_FILE = join(options.dataDir ?? (keyDir as string), EVENTS_KEY_FILE);
  process.env.EVENTS_LOCAL_SECRETS_FILE = join(options.dataDir ?? (keyDir as string), EVENTS_SECRETS_FILE);
  process.env.EVENTS_ALLOW_LOOPBACK_HTTP = 'true';
  localSigner(process.env.EVENTS_LOCAL_KEY_FILE);

  const config = clientConfig(process.env);
  const admin = new DynamoDBClient(config);
  const db: Db = { client: createDocumentClient(config), table: tableName };
  let server: Server | undefined;
  let poller: StreamPoller | undefined;
  let delivery: EventDeliveryLoop | undefined;
  let purges: TenantPurgeLoop | undefined;
  const release = async () => {
    if (server) await close(server);
    await purges?.stop();
    await delivery?.stop();
    await poller?.stop();
    db.client.destroy();
    admin.destroy();
    await dynamo?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  };

  try {
    await ensureTable(admin, tableName);
    await seedTenants({ db, rateTiers: configuredRateTiers() }, options.tenants ?? []);
    await seedOAuthClients(db, options.oauthClients ?? []);
    if (options.streams ?? true) {
      const stormSink: StormSink =
        options.stormSink ?? (async (storm) => log(`refusal storm: ${storm.tenantId} ${storm.credentialId} ${storm.refusals}`));
      // Imported now, not with this module: its logger must see the log level the caller has set by now.
      const { activityRecorder } = await import('../functions/activity/recorder');
      const functions: Record<string, StreamFunction> = { janitor, recorder: activityRecorder(() => db, stormSink) };
      if (options.eventSink) functions.publisher = streamPublisher(options.eventSink, deploymentEventOptions, () => db);
      const eventStreams = options.eventStreams ?? true;
      if (eventStreams) functions.outbox = outboxWriter({ db: () => db, signer: eventSigner, log });
      const failedBatches =
        options.failedBatches ?? (options.dataDir ? directoryFailedBatchStore(join(options.dataDir, FAILED_BATCHES_DIR)) : undefined);
      const around = options.aroundStreamInvoke;
      const wrapped: Record<string, StreamFunction> = around
        ? Object.fromEntries(
            Object.entries(functions).map(([name, fn]) => [name, (event, context) => around(name, event, () => fn(event, context))]),
          )
        : functions;
      poller = await startStreamPoller({
        config,
        tableName,
        functions: wrapped,
        log,
        onFailure: keepFailedBatch(failedBatches, log),
        ...(options.dataDir ? { checkpointFile: join(options.dataDir, CHECKPOINT_FILE) } : {}),
      });
      if (eventStreams) delivery = startEventDeliveryLoop(db, log);
    }
    const adminKey = localAdminKey(options.adminKey, options.dataDir);
    const cacheSeconds = options.authorizerCacheSeconds ?? cacheSecondsFromEnv();
    if (options.tenantPurge !== false) {
      const quarantineMs = typeof options.tenantPurge === 'object' ? options.tenantPurge.quarantineMs : undefined;
      purges = startTenantPurgeLoop(db, log, { quarantineMs: quarantineMs ?? localQuarantineMs(cacheSeconds) });
    }
    const gateway = localGateway({
      adminKey,
      ...(options.functions ? { functions: options.functions } : {}),
      authorizerCacheSeconds: cacheSeconds,
      ...(options.authorizerClock ? { authorizerClock: options.authorizerClock } : {}),
      log,
      ...(options.aroundInvoke ? { aroundInvoke: options.aroundInvoke } : {}),
      ...(options.tenantThrottle ? { tenantThrottle: options.tenantThrottle } : {}),
    });
    server = createServer(requestListener(gateway, log, options.aroundRequest ?? ((_request, handle) => handle())));
    const host = options.host ?? DEFAULT_HOST;
    const port = await listen(server, options.port ?? DEFAULT_PORT, host);
    // Wildcard and loopback binds are reachable as localhost here; a specific address by itself.
    const url = `http://${isLoopback(host) || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;
    // The SSF issuer: the SETs' `iss` and the base of the metadata, JWKS and poll URLs.
    process.env.SSF_ISSUER = url;
    await seedEventStreams(db, options.tenants ?? [], options.dataDir ?? (keyDir as string), log);
    return {
      url,
      port,
      host,
      dynamoEndpoint,
      db,
      tenantUrl: (tenantId) => `${url}/tenants/${tenantId}/scim/v2`,
      tokenUrl: (tenantId) => `${url}/tenants/${tenantId}/oauth2/token`,
      adminUrl: `${url}${ADMIN_API_PATH}`,
      adminKey,
      drainStreams: async () => poller?.drain(),
      stop: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** A cached authorizer decision (and the handler's profile after it) outlives a DELETE by this much; the stream poller lags ~1 s; more than the authorizer's 5 s margin for tokens older than their tenant. */
const localQuarantineMs = (cacheSeconds: number): number =>
  (cacheSeconds > 0 ? (cacheSeconds + environment.profileTtlSeconds()) * 1000 : 0) + 6_000;

function cacheSecondsFromEnv(): number {
  const raw = process.env.SCIM_AUTHORIZER_CACHE_SECONDS;
  if (raw === undefined || raw === '') return 0;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`SCIM_AUTHORIZER_CACHE_SECONDS must be a number of seconds >= 0, got "${raw}"`);
  }
  return seconds;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host.startsWith('127.');

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use (set PORT to another port)`) : error),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open.
    server.closeAllConnections();
  });
}

function requestListener(gateway: Gateway, log: (line: string) => void, around: AroundRequest) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const requestId = randomUUID();
    void around(req, () => answer(req, gateway, { method, target, rawPath, requestId }))
      .catch((error: unknown) => {
        log(`gateway failure: ${error instanceof Error ? error.name : 'unknown error'}`);
        return gatewayError('API_CONFIGURATION_ERROR');
      })
      .then((result) => {
        send(res, result, requestId);
        // Never headers, query strings, tokens or bodies.
        log(`${method} ${rawPath} ${result.statusCode} ${Date.now() - started}ms`);
      });
  };
}

async function answer(
  req: IncomingMessage,
  gateway: Gateway,
  request: { method: string; target: string; rawPath: string; requestId: string },
): Promise<APIGatewayProxyResult> {
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (!body) return gatewayError('REQUEST_TOO_LARGE');
  const queryAt = request.target.indexOf('?');
  return gateway({
    method: request.method,
    rawPath: request.rawPath,
    rawQuery: queryAt === -1 ? '' : request.target.slice(queryAt + 1),
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    serverPort: req.socket.localPort ?? 0,
    requestId: request.requestId,
    receivedAt: new Date(),
  });
}

/** The whole body, or undefined when it exceeds the limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  try {
    // Without binaryMediaTypes API Gateway returns an isBase64Encoded body as the base64 text itself.
    const body = result.body ?? '';
    res.writeHead(result.statusCode, {
      ...responseHeaders(result),
      'Content-Length': String(Buffer.byteLength(body, 'utf8')),
      'x-amzn-RequestId': requestId,
    });
    res.end(body);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
}

/**
 * API Gateway merges `headers` and `multiValueHeaders`; a value present in both appears once.
 * Node's header names are case-insensitive, so names are grouped that way.
 */
function responseHeaders(result: APIGatewayProxyResult): Record<string, string[]> {
  const merged = new Map<string, { name: string; values: string[] }>();
  const add = (name: string, value: unknown) => {
    const entry = merged.get(name.toLowerCase()) ?? { name, values: [] };
    const text = String(value);
    if (!entry.values.includes(text)) entry.values.push(text);
    merged.set(name.toLowerCase(), entry);
  };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) values.forEach((value) => add(name, value));
  for (const [name, value] of Object.entries(result.headers ?? {})) add(name, value);
  return Object.fromEntries([...merged.values()].map(({ name, values }) => [name, values]));
}

/** The poller's onFailure: the batch goes to the store as Lambda's invocation record, or is reported lost. */
function keepFailedBatch(store: FailedBatchStore | undefined, log: (line: string) => void) {
  return async (name: string, records: DynamoDBRecord[], attempts: number): Promise<void> => {
    if (!store) {
      log(`${name}: ${records.length} stream records failed ${attempts} attempts and are dropped (no failed-batch store)`);
      return;
    }
    const record = failedBatchRecord(`arn:aws:lambda:local:000000000000:function:${name}`, records, attempts);
    await store.put(failedBatchKey(name), JSON.stringify(record));
    log(`${name}: ${records.length} stream records failed ${attempts} attempts; kept for scim-admin events redrive`);
  };
}
