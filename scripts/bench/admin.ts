/**
 * The tenant admin API at scale (issue #22, docs/admin-api.md): N tenants created one after another
 * through `POST /admin/v1/tenants` over HTTP on the local stack, then listed by page; per onboarding
 * the DynamoDB calls and capacity, per list page the same; and the authorizer's cost per evaluation
 * (the real handler, in-process, a secret token issued through the API) with one tenant in the table
 * and again with all N, to show it does not grow with tenants. DynamoDB is counted on the wire
 * (table-meter.ts: the authorizer's lean calls bypass the SDK client), with the stream consumers off.
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,events,activity --bulk 0 --admin 1000`.
 */
import { performance } from 'node:perf_hooks';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { methodArn } from '../../local/http-event';
import { startLocalStack } from '../../local/server';
import { percentile, round, table } from './stats';
import { startTableMeter, type TableMeter } from './table-meter';

export interface AdminBenchFigures {
  readonly tenants: number;
  readonly rows: Record<string, string | number>[];
  readonly authorizer: Record<string, string | number>[];
}

interface Sample {
  readonly ms: number;
}

interface Wire {
  calls: number;
  rcu: number;
  wcu: number;
}

/** Calls and capacity on the wire so far (every family). */
function wire(meter: TableMeter): Wire {
  const total: Wire = { calls: 0, rcu: 0, wcu: 0 };
  for (const [family, figures] of Object.entries(meter.snapshot())) {
    if (family === 'streams') continue;
    total.calls += Object.values(figures.calls).reduce((sum, n) => sum + n, 0);
    total.rcu += figures.readCapacity;
    total.wcu += figures.writeCapacity;
  }
  return total;
}

/** Runs `work` and returns the wire's calls and capacity it caused. */
async function onWire<T>(meter: TableMeter, work: () => Promise<T>): Promise<{ result: T; used: Wire }> {
  const before = wire(meter);
  const result = await work();
  const after = wire(meter);
  return { result, used: { calls: after.calls - before.calls, rcu: after.rcu - before.rcu, wcu: after.wcu - before.wcu } };
}

const AUTHORIZER_EVALUATIONS = 200;
const PAGE = 200;

function summary(operation: string, samples: readonly Sample[], wallMs: number, used: Wire): Record<string, string | number> {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    operation,
    n: samples.length,
    'total s': round(wallMs / 1000, 1),
    'req/s': round(samples.length / (wallMs / 1000), 1),
    'p50 ms': percentile(sorted, 0.5, 1),
    'p99 ms': percentile(sorted, 0.99, 1),
    'DDB calls': round(used.calls / samples.length),
    RCU: round(used.rcu / samples.length),
    WCU: round(used.wcu / samples.length),
  };
}

export async function adminBenchmark(tenants: number): Promise<AdminBenchFigures> {
  const dynamo = await startDynamoDbLocal({});
  const meter = await startTableMeter(dynamo.endpoint, () => 'table');
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-admin',
    dynamoEndpoint: meter.endpoint,
    streams: false,
    log: () => undefined,
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Sample & { status: number; json: Record<string, unknown> }> => {
    const started = performance.now();
    const response = await fetch(`${stack.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    const ms = performance.now() - started;
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return { ms, status: response.status, json };
  };
  try {
    // The first tenant and its token: the authorizer measured with one tenant in the table.
    await call('POST', '/tenants', { id: 't00000', displayName: 'Tenant 0' });
    const token = String((await call('POST', '/tenants/t00000/tokens')).json.token);
    const alone = await authorizerCost(meter, token, 't00000');

    const creates: Sample[] = [];
    const createStarted = performance.now();
    const created = await onWire(meter, async () => {
      for (let i = 1; i < tenants; i += 1)
        creates.push(await call('POST', '/tenants', { id: `t${String(i).padStart(5, '0')}`, displayName: `Tenant ${i}` }));
    });
    const createMs = performance.now() - createStarted;

    const pages: Sample[] = [];
    let cursor: string | undefined;
    let listed = 0;
    const listStarted = performance.now();
    const listing = await onWire(meter, async () => {
      do {
        const page = await call('GET', `/tenants?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        pages.push(page);
        listed += (page.json.items as unknown[]).length;
        cursor = page.json.nextCursor as string | undefined;
      } while (cursor);
    });
    const listMs = performance.now() - listStarted;
    if (listed !== tenants) throw new Error(`listed ${listed} tenants of ${tenants}`);

    const crowded = await authorizerCost(meter, token, 't00000');
    return {
      tenants,
      rows: [
        summary(`POST /admin/v1/tenants (${tenants - 1}, one at a time)`, creates, createMs, created.used),
        summary(`GET /admin/v1/tenants?limit=${PAGE} (all ${listed}, by page)`, pages, listMs, listing.used),
      ],
      authorizer: [
        { 'tenants in the table': 1, ...alone },
        { 'tenants in the table': tenants, ...crowded },
      ],
    };
  } finally {
    await stack.stop();
    await meter.stop();
    await dynamo.stop();
  }
}

/** The authorizer handler in-process, a secret token, AUTHORIZER_EVALUATIONS times after one warm-up. */
async function authorizerCost(meter: TableMeter, token: string, tenantId: string): Promise<Record<string, number>> {
  const { handler } = await import('../../functions/authorizer');
  const event: APIGatewayTokenAuthorizerEvent = {
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: methodArn('GET', `/tenants/${tenantId}/scim/v2/Users`),
  };
  await handler(event);
  const samples: Sample[] = [];
  const { used } = await onWire(meter, async () => {
    for (let i = 0; i < AUTHORIZER_EVALUATIONS; i += 1) {
      const started = performance.now();
      await handler(event);
      samples.push({ ms: performance.now() - started });
    }
  });
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    evaluations: samples.length,
    'p50 ms': percentile(sorted, 0.5),
    'p95 ms': percentile(sorted, 0.95),
    'DDB calls': round(used.calls / samples.length),
    RCU: round(used.rcu / samples.length),
  };
}

export const adminReport = (figures: AdminBenchFigures): string =>
  `\nAdmin API: ${figures.tenants} tenants created and listed over HTTP (local stack, DynamoDB Local)\n${table(figures.rows)}` +
  `\n\nAuthorizer per evaluation (handler in-process, secret token), 1 tenant vs ${figures.tenants}\n${table(figures.authorizer)}`;
