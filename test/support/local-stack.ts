/**
 * The local stack for integration tests: real HTTP, the real authorizer and handlers, a fresh table
 * on the run's DynamoDB Local and a random token per tenant. One stack per test file (see
 * local/server.ts for why).
 */
import type { FunctionOverrides } from '../../local/functions';
import { startLocalStack, type AroundStreamInvoke, type LocalStack } from '../../local/server';
import type { LocalTenant } from '../../local/seed';
import { generateToken } from '../../functions/credentials/secret-token';
import type { EventSink, PublishedEvent } from '../../functions/events/publish';
import type { FailedBatchStore } from '../../functions/events/failed-batch';
import { deleteTable, runDynamoEndpoint, uniqueTableName } from './dynamodb';

/**
 * A response body as tests read it. Bodies are untrusted JSON that every test checks with
 * `expect`; a loose type keeps those checks legible. Production code never uses it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export type TestTenant = string | Omit<LocalTenant, 'token'>;

export interface TestStackOptions {
  readonly tenants: readonly TestTenant[];
  readonly authorizerCacheSeconds?: number;
  /** The authorizer cache's clock (milliseconds), for tests that move time instead of waiting. */
  readonly authorizerClock?: () => number;
  /** Replace entry modules by in-test handlers (tests of the server itself). */
  readonly functions?: FunctionOverrides;
  /** Collects the change events the stream publisher emits (drain the streams before reading). */
  readonly events?: PublishedEvent[];
  /** Or sends them here (instead of `events`). */
  readonly eventSink?: EventSink;
  /** Where stream batches that still fail after the poller's attempts are kept (redrive.test.ts). */
  readonly failedBatches?: FailedBatchStore;
  /** Around each stream function's batch (redrive-consumers.test.ts fails consumers with it). */
  readonly aroundStreamInvoke?: AroundStreamInvoke;
  /** Request log lines; silent by default. */
  readonly log?: (line: string) => void;
  /**
   * Run on this table (from `uniqueTableName`) and leave it when stopping: a second stack on the
   * same table is a restart on the same data. The caller deletes it (`deleteTable`).
   */
  readonly tableName?: string;
  /** The deleted-tenant purge loop (local/server.ts `tenantPurge`); default on. */
  readonly tenantPurge?: boolean | { readonly quarantineMs?: number };
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
  readonly text: string;
}

export interface TestStack {
  readonly stack: LocalStack;
  baseUrl(tenantId: string): string;
  token(tenantId: string): string;
  /**
   * `path` is below the tenant base URL (`/Users?filter=...`). Sends the tenant's bearer token
   * unless `headers` sets `authorization` (undefined: no Authorization header at all).
   */
  request(
    tenantId: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string | undefined>>,
  ): Promise<TestResponse>;
  stop(): Promise<void>;
}

export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  // Handlers load on the first request, after this: their Powertools logs stay quiet unless asked for.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  // EMF metrics are checked by observability.test.ts; elsewhere they would only flood the output.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const tenants: LocalTenant[] = options.tenants.map((tenant) =>
    typeof tenant === 'string' ? { tenantId: tenant, token: generateToken() } : { ...tenant, token: generateToken() },
  );
  const tokens = new Map(tenants.map((tenant) => [tenant.tenantId, tenant.token]));
  const tableName = options.tableName ?? uniqueTableName('stack');
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName,
    tenants,
    dynamoEndpoint: runDynamoEndpoint(),
    log: options.log ?? (() => undefined),
    ...(options.authorizerCacheSeconds !== undefined ? { authorizerCacheSeconds: options.authorizerCacheSeconds } : {}),
    ...(options.authorizerClock ? { authorizerClock: options.authorizerClock } : {}),
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.events ? { eventSink: collectInto(options.events) } : {}),
    ...(options.eventSink ? { eventSink: options.eventSink } : {}),
    ...(options.failedBatches ? { failedBatches: options.failedBatches } : {}),
    ...(options.aroundStreamInvoke ? { aroundStreamInvoke: options.aroundStreamInvoke } : {}),
    ...(options.tenantPurge !== undefined ? { tenantPurge: options.tenantPurge } : {}),
  });
  const origin = `http://127.0.0.1:${stack.port}`;
  const baseUrl = (tenantId: string) => `${origin}/tenants/${tenantId}/scim/v2`;
  const token = (tenantId: string) => {
    const value = tokens.get(tenantId);
    if (!value) throw new Error(`no test tenant ${tenantId}`);
    return value;
  };

  return {
    stack,
    baseUrl,
    token,
    request: async (tenantId, method, path, body, headers = {}) => {
      const sent = new Headers();
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'authorization') && tokens.has(tenantId)) {
        sent.set('Authorization', `Bearer ${token(tenantId)}`);
      }
      if (body !== undefined) sent.set('Content-Type', 'application/scim+json');
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent.set(name, value);
      const response = await fetch(baseUrl(tenantId) + path, {
        method,
        headers: sent,
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseJson(text), text };
    },
    stop: async () => {
      await stack.stop();
      if (!options.tableName) await deleteTable(tableName);
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function collectInto(events: PublishedEvent[]): EventSink {
  return async (batch) => {
    events.push(...batch);
    return [];
  };
}

/** `call(method, path, body?, tenant?)` with the parsed body as `json`: the request helper every HTTP test file uses. */
export function jsonCaller(stack: () => TestStack, defaultTenant: string) {
  return async (method: string, path: string, body?: unknown, tenant = defaultTenant) => {
    const response = await stack().request(tenant, method, path, body);
    return { ...response, json: response.body as Json };
  };
}
