/**
 * What `GET /admin/v1/tenants/{id}/stats` reads (docs/admin-api.md#connection-values-and-counts): a tenant of
 * N users (one in ten inactive) in groups of 100, written through the store's batch seeding
 * (store/resource-seeding.ts, which settles the counters), then stats over HTTP on the local stack with
 * DynamoDB counted on the wire (table-meter.ts): with the counters settled, the parts alone (users and groups
 * from the counters, the inactive users' COUNT), and once with the counters not yet settled (their items
 * deleted: one COUNT that settles them, as a tenant from before the counters).
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,events,event-cost,admin,activity,purge --bulk 0 --stats 10000`.
 */
import { performance } from 'node:perf_hooks';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/store/keys';
import { addMembers } from '../../functions/store/memberships';
import { COUNT_SHARDS } from '../../functions/store/resource-counts';
import { seedResources } from '../../functions/store/resource-seeding';
import { countInactiveUsers, totalResources } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { startLocalStack } from '../../local/server';
import { round, table } from './stats';
import { startTableMeter, type TableMeter } from './table-meter';

const TENANT = 'counted';
const GROUP_SIZE = 100;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export type StatsRow = Record<string, string | number>;

/** Calls and capacity on the wire while `work` runs (every family but the Streams API). */
async function measured(meter: TableMeter, what: string, work: () => Promise<unknown>): Promise<StatsRow> {
  const total = () => {
    let calls = 0;
    let rcu = 0;
    let wcu = 0;
    for (const [family, figures] of Object.entries(meter.snapshot())) {
      if (family === 'streams') continue;
      calls += Object.values(figures.calls).reduce((sum, n) => sum + n, 0);
      rcu += figures.readCapacity;
      wcu += figures.writeCapacity;
    }
    return { calls, rcu, wcu };
  };
  const before = total();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  const after = total();
  return {
    read: what,
    ms: round(ms, 1),
    'DDB calls': after.calls - before.calls,
    RCU: round(after.rcu - before.rcu, 1),
    WCU: round(after.wcu - before.wcu, 1),
    answer: typeof result === 'object' ? JSON.stringify(result) : String(result),
  };
}

export async function tenantStatsBenchmark(users: number): Promise<StatsRow[]> {
  if (users <= 0) return [];
  const dynamo = await startDynamoDbLocal({});
  const meter = await startTableMeter(dynamo.endpoint, () => 'table');
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-stats',
    dynamoEndpoint: meter.endpoint,
    streams: false,
    log: () => undefined,
  });
  const stats = async () => {
    const response = await fetch(`${stack.adminUrl}/tenants/${TENANT}/stats`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    if (response.status !== 200) throw new Error(`stats answered ${response.status}`);
    return (await response.json()) as Record<string, number>;
  };
  try {
    const created = await fetch(`${stack.adminUrl}/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: TENANT, displayName: 'Counted' }),
    });
    if (created.status !== 201) throw new Error(`creating the tenant answered ${created.status}`);
    console.log(`stats: writing ${users} users and ${Math.ceil(users / GROUP_SIZE)} groups of ${GROUP_SIZE} through the store`);
    const people = Array.from({ length: users }, (_, i) => ({
      schemas: [USER],
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      userName: `user${i}@stats.example`,
      active: i % 10 !== 0,
    }));
    await seedResources(stack.db, TENANT, 'User', people, standardRegistry);
    const groups = Array.from({ length: Math.ceil(users / GROUP_SIZE) }, (_, g) => ({
      schemas: [GROUP],
      id: `00000000-0000-4000-9000-${String(g).padStart(12, '0')}`,
      displayName: `group ${g}`,
    }));
    await seedResources(stack.db, TENANT, 'Group', groups, standardRegistry);
    for (const [g, group] of groups.entries())
      await addMembers(
        stack.db,
        TENANT,
        group.id,
        people.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE).map((p) => p.id),
      );

    await stats(); // warm-up: the admin function's first request
    const rows = [
      await measured(meter, 'GET …/stats (counters settled)', stats),
      await measured(meter, 'users + groups: totalResources ×2 (the counters)', async () => [
        await totalResources(stack.db, TENANT, 'User'),
        await totalResources(stack.db, TENANT, 'Group'),
      ]),
      await measured(meter, 'inactive users: one COUNT Query', () => countInactiveUsers(stack.db, TENANT)),
    ];
    // As a tenant whose users predate the counters: no shard item.
    for (let shard = 0; shard <= COUNT_SHARDS; shard += 1)
      await stack.db.client.send(new DeleteCommand({ TableName: stack.db.table, Key: keys.resourceCount(TENANT, 'User', shard) }));
    rows.push(await measured(meter, 'GET …/stats (user counters not yet settled)', stats));
    rows.push(await measured(meter, 'GET …/stats (settled by the call before)', stats));
    console.log(`\nTenant stats: ${users} users (1 in 10 inactive), groups of ${GROUP_SIZE}, DynamoDB on the wire\n${table(rows)}`);
    return rows;
  } finally {
    await stack.stop();
    await meter.stop();
    await dynamo.stop();
  }
}
