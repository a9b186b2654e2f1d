/**
 * The activity log in the benchmark (issue #25, docs/activity.md):
 *  1. What recording costs: the same writes over HTTP (creates, patches, and creates refused 409) in a
 *     tenant that records (the default) and one with `activity.enabled: false`: request-path latency,
 *     DynamoDB calls and write units per request (metering.ts), and what recording writes in the
 *     activity partitions (on the wire, table-meter.ts: the recorder's records and counters and the
 *     refusals' own records) with the recorder's milliseconds per write. Locally the recorder runs in
 *     the same process as the handlers (on the stream poller), so it takes CPU from their latency; in
 *     AWS it is a function of its own.
 *  2. One user's history among N activity records of the tenant (seeded through the store, streams
 *     off), asked through `GET /admin/v1/tenants/{id}/activity?resourceId=` and `?userName=`: p50/p95 ms
 *     and read units per answer.
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,events,event-cost,admin,group-replace,purge,stats --bulk 0 --activity 200 --activity-records 100000`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generateToken } from '../../functions/credentials/secret-token';
import { idsByName, writeActivityItems } from '../../functions/store/activity-items';
import { findIdByUnique } from '../../functions/store/resources';
import { activityItem, nameAliasItem } from '../../functions/store/activity-layout';
import { documentClient } from '../../functions/store/dynamodb-client';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { startLocalStack } from '../../local/server';
import { ScimClient } from './client';
import { installMeter, meterRequests } from './metering';
import { percentile, Recorder, round, table } from './stats';
import { startTableMeter, type TableMeter } from './table-meter';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const QUERIES = 20;

export interface ActivityBenchFigures {
  readonly recording: Record<string, string | number>[];
  readonly activityWrites: Record<string, string | number>[];
  readonly history: Record<string, string | number>[];
}

const ACTIVITY_FAMILY = 'activity';
const family = (pk: string) => (pk.startsWith('ACTIVITY#') || pk.startsWith('HEALTH#') ? ACTIVITY_FAMILY : undefined);

const activityUnits = (meter: TableMeter) => {
  const figures = meter.snapshot()[ACTIVITY_FAMILY];
  return {
    calls: Object.values(figures?.calls ?? {}).reduce((sum, n) => sum + n, 0),
    items: figures?.items ?? 0,
    wcu: figures?.writeCapacity ?? 0,
  };
};

export async function activityBenchmark(writes: number, records: number): Promise<ActivityBenchFigures> {
  const { recording, activityWrites } = await recordingCost(writes);
  const history = records > 0 ? await historyQuery(records) : [];
  return { recording, activityWrites, history };
}

async function recordingCost(writes: number) {
  const dynamo = await startDynamoDbLocal({});
  const meter = await startTableMeter(dynamo.endpoint, family);
  // Not recording first: the process's warm-up (JIT, connections) falls on it, not on the tenant that records.
  const tenants = [
    { tenantId: 'not-recording', token: generateToken(), settings: { activity: { enabled: false } } },
    { tenantId: 'recording', token: generateToken() },
  ];
  let recorderMs = 0;
  let recorderRecords = 0;
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-activity',
    dynamoEndpoint: meter.endpoint,
    tenants,
    eventStreams: false,
    authorizerCacheSeconds: 300,
    aroundRequest: meterRequests,
    aroundStreamInvoke: async (name, event, invoke) => {
      const started = performance.now();
      try {
        return await invoke();
      } finally {
        if (name === 'recorder') {
          recorderMs += performance.now() - started;
          recorderRecords += event.Records.length;
        }
      }
    },
    log: () => undefined,
  });
  const recording: Record<string, string | number>[] = [];
  const activityWrites: Record<string, string | number>[] = [];
  try {
    installMeter(documentClient());
    for (const tenant of tenants) {
      const recorder = new Recorder();
      const client = new ScimClient(`${stack.url}/tenants/${tenant.tenantId}/scim/v2`, tenant.token, recorder);
      await client.call('warm-up', 'GET', '/Users?count=1');
      await stack.drainStreams();
      const before = activityUnits(meter);
      recorderMs = 0;
      recorderRecords = 0;
      const ids: string[] = [];
      for (let i = 0; i < writes; i += 1)
        ids.push(String((await client.call('POST /Users', 'POST', '/Users', { schemas: [USER], userName: `u${i}@example.com` })).body.id));
      for (const id of ids)
        await client.call('PATCH /Users (displayName)', 'PATCH', `/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'displayName', value: `User ${id.slice(0, 6)}` }],
        });
      for (let i = 0; i < writes; i += 1)
        await client.call('POST /Users (409 uniqueness)', 'POST', '/Users', { schemas: [USER], userName: `u${i}@example.com` });
      await stack.drainStreams();
      const after = activityUnits(meter);
      for (const f of recorder.figures().filter((figure) => figure.operation !== 'warm-up'))
        recording.push({
          tenant: tenant.tenantId,
          operation: f.operation,
          n: f.count,
          'p50 ms': f.p50,
          'p95 ms': f.p95,
          'DDB calls': f.roundTripsPerRequest,
          WCU: f.wcuPerRequest,
        });
      const requests = writes * 3;
      activityWrites.push({
        tenant: tenant.tenantId,
        requests,
        'activity calls/request': round((after.calls - before.calls) / requests),
        'activity items/request': round((after.items - before.items) / requests),
        'activity WCU/request': round((after.wcu - before.wcu) / requests),
        'recorder ms per stream record': recorderRecords ? round(recorderMs / recorderRecords) : 0,
      });
    }
    return { recording, activityWrites };
  } finally {
    await stack.stop();
    await meter.stop();
    await dynamo.stop();
  }
}

/** N records in one tenant: a target user's 20 (as a user's create, patches, memberships), the rest other users'. */
async function historyQuery(records: number): Promise<Record<string, string | number>[]> {
  const tenant = { tenantId: 'history', token: generateToken() };
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-history',
    tenants: [tenant],
    streams: false,
    log: () => undefined,
  });
  try {
    const target = randomUUID();
    const expiresAt = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const start = Date.now() - records * 1000;
    const started = performance.now();
    const items = [];
    for (let i = 0; i < records; i += 1) {
      const mine = i % Math.max(1, Math.floor(records / 20)) === 0;
      const id = mine ? target : randomUUID();
      items.push(
        activityItem(
          tenant.tenantId,
          {
            at: start + i * 1000,
            operation: i % 3 === 0 ? 'create' : 'patch',
            route: 'PATCH /Users/{id}',
            resourceType: 'User',
            resourceId: id,
            identifier: mine ? 'ada@example.com' : `u${i}@example.com`,
            status: 200,
            outcome: 'success',
          },
          randomUUID(),
          expiresAt,
        ),
      );
      if (items.length === 1000) await writeActivityItems(stack.db, items.splice(0));
    }
    await writeActivityItems(stack.db, [...items, nameAliasItem(tenant.tenantId, 'ada@example.com', target, expiresAt)]);
    const seedSeconds = round((performance.now() - started) / 1000, 1);
    const rows: Record<string, string | number>[] = [];
    for (const [label, query] of [
      ['?resourceId=<id>', `resourceId=${target}`],
      ['?userName=ada@example.com', `userName=${encodeURIComponent('ada@example.com')}`],
    ] as const) {
      const samples: number[] = [];
      let found = 0;
      for (let i = 0; i < QUERIES; i += 1) {
        const t0 = performance.now();
        const response = await fetch(`${stack.adminUrl}/tenants/${tenant.tenantId}/activity?${query}&limit=50`, {
          headers: { authorization: `Bearer ${stack.adminKey}` },
        });
        const body = (await response.json()) as { records?: unknown[] };
        samples.push(performance.now() - t0);
        if (response.status !== 200) throw new Error(`activity ${label}: ${response.status} ${JSON.stringify(body)}`);
        found = body.records?.length ?? 0;
      }
      const sorted = samples.sort((a, b) => a - b);
      rows.push({
        query: `GET /admin/v1/tenants/{id}/activity${label}`,
        'records in tenant': records,
        'seeded in s': seedSeconds,
        'user records found': found,
        'p50 ms': percentile(sorted, 0.5, 1),
        'p95 ms': percentile(sorted, 0.95, 1),
      });
    }
    // The userName path's first reads, alone: the alias Query (begins_with in the ACTIVITY# partition) and the uniqueness GetItem.
    for (const [label, read] of [
      ['alias Query alone (idsByName)', () => idsByName(stack.db, tenant.tenantId, 'ada@example.com')],
      [
        'uniqueness GetItem alone',
        () => findIdByUnique(stack.db, tenant.tenantId, 'User', { attribute: 'userName', value: 'ada@example.com', shared: false }),
      ],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < QUERIES; i += 1) {
        const t0 = performance.now();
        await read();
        samples.push(performance.now() - t0);
      }
      const sorted = samples.sort((a, b) => a - b);
      rows.push({
        query: label,
        'records in tenant': records,
        'seeded in s': seedSeconds,
        'user records found': '-',
        'p50 ms': percentile(sorted, 0.5, 1),
        'p95 ms': percentile(sorted, 0.95, 1),
      });
    }
    return rows;
  } finally {
    await stack.stop();
  }
}

export const activityReport = (figures: ActivityBenchFigures): string =>
  `\nActivity: recording vs activity.enabled=false (HTTP, 1 in flight; request path metered)\n${table(figures.recording)}` +
  `\n\nActivity partitions written per request (on the wire: recorder records and counters, refusal records)\n${table(figures.activityWrites)}` +
  (figures.history.length
    ? `\n\nOne user's history among the tenant's records (admin API, ${QUERIES} asks each)\n${table(figures.history)}`
    : '');
