/**
 * The tenant purge in the benchmark (docs/admin-api.md#deleting-a-tenant): a tenant of `users` users
 * (each with its userName unique value), groups of 100 members each holding every user once, written
 * straight into DynamoDB Local in batches; then DELETE through the tenant service and the purge run
 * as the Lambda runs it (passes of at most 105 s, pages of 500) with no quarantine, until the tenant
 * item is gone. Reported: items deleted, passes, seconds, items deleted per second, and that a second
 * tenant sharing the id prefix kept every item.
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,federation,extensions,big-tenant,events,event-cost --bulk 0 --purge 20000 --out /tmp/bench.json`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../functions/store/db';
import { keys, sortKeyPrefix, tenantPartition } from '../../functions/store/keys';
import { countPrefix } from '../../functions/store/partition';
import { deleteTenant } from '../../functions/tenants/tenant-service';
import { purgeTenant } from '../../functions/tenants/tenant-purge';
import { generateToken } from '../../functions/credentials/secret-token';
import { recordingRateTiers } from '../../local/local-rate-tiers';
import { startLocalStack } from '../../local/server';
import { round, table } from './stats';

const TENANT = 'purged';
const NEIGHBOUR = 'purged2';
const GROUP_SIZE = 100;
/** An invocation's working time: the purge function's 120 s timeout less its 15 s margin. */
const PASS_MS = 105_000;

export type PurgeRow = {
  readonly users: number;
  readonly 'items written': number;
  readonly 'items deleted': number;
  readonly passes: number;
  readonly seconds: number;
  readonly 'items/s': number;
  readonly 'neighbour kept': string;
};

async function writeItems(db: Db, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await db.client.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
      pending = (result.UnprocessedItems?.[db.table] ?? []) as Record<string, unknown>[];
    }
  }
}

/** Users, their userName items, groups of 100 with their memberships: 3 items per user plus one per group. */
async function populate(db: Db, tenantId: string, users: number): Promise<number> {
  const items: Record<string, unknown>[] = [];
  let groupId = randomUUID();
  for (let i = 0; i < users; i += 1) {
    const id = randomUUID();
    const userName = `user${i}@example.com`;
    items.push({ ...keys.user(tenantId, id), entity: 'User', tenantId, id, userName, resource: { id, userName } });
    items.push({ ...keys.unique(tenantId, 'User', 'userName', userName), entity: 'UniqueValue', tenantId, ownerId: id });
    if (i % GROUP_SIZE === 0) {
      groupId = randomUUID();
      items.push({ ...keys.group(tenantId, groupId), entity: 'Group', tenantId, id: groupId, displayName: `group ${i}` });
    }
    items.push({
      ...keys.membership(tenantId, groupId, id),
      ...keys.membershipIndex(tenantId, groupId, id),
      entity: 'Membership',
      tenantId,
    });
  }
  await writeItems(db, items);
  return items.length;
}

export async function purgeBenchmark(users: number): Promise<PurgeRow[]> {
  if (users <= 0) return [];
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-purge',
    tenants: [
      { tenantId: TENANT, token: generateToken() },
      { tenantId: NEIGHBOUR, token: generateToken() },
    ],
    // The purge is driven here, one pass after another, as the queue would.
    tenantPurge: false,
    streams: false,
    log: () => undefined,
  });
  try {
    console.log(`purge: writing a tenant of ${users} users`);
    const written = await populate(stack.db, TENANT, users);
    await populate(stack.db, NEIGHBOUR, 100);
    await deleteTenant({ db: stack.db, rateTiers: recordingRateTiers(), purgeQueue: { request: async () => undefined } }, TENANT);
    const started = performance.now();
    let passes = 0;
    let deleted = 0;
    for (;;) {
      passes += 1;
      const outcome = await purgeTenant(stack.db, TENANT, {
        owner: `bench-${passes}`,
        deadline: Date.now() + PASS_MS,
        leaseUntil: Date.now() + PASS_MS + 15_000,
        quarantineMs: 0,
      });
      if (outcome.state === 'skipped') throw new Error('the purge was skipped');
      deleted += outcome.deleted;
      if (outcome.state === 'done') break;
    }
    const seconds = (performance.now() - started) / 1000;
    const neighbourUsers = await countPrefix(stack.db, { partition: tenantPartition(NEIGHBOUR), prefix: sortKeyPrefix.user });
    const rows: PurgeRow[] = [
      {
        users,
        'items written': written,
        'items deleted': deleted,
        passes,
        seconds: round(seconds, 1),
        'items/s': round(deleted / seconds, 0),
        'neighbour kept': neighbourUsers === 100 ? 'yes' : `NO (${neighbourUsers} of 100 users)`,
      },
    ];
    console.log(`\nTenant purge (DynamoDB Local)\n${table(rows)}`);
    return rows;
  } finally {
    await stack.stop();
  }
}
