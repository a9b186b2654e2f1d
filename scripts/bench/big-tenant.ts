/**
 * The big-tenant section of `npm run bench` (issue #28): a tenant of N users (default 100,000),
 * written directly through the store (the items POST /Users writes, in parallel batches:
 * store/resource-seeding.ts), walked end to end over HTTP by
 * `startIndex` pages of 100 the way Okta's import pages — without a filter and with a filter no key
 * serves. Per walk: total time, pages, read units per page at the start, middle and end (flat, not
 * growing: each page continues where the last stopped), and whether every user was seen exactly once.
 * `--big-tenant N` sets the size (0 skips).
 */
import { performance } from 'node:perf_hooks';
import { documentClient } from '../../functions/store/dynamodb-client';
import { seedResources } from '../../functions/store/resource-seeding';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { generateToken } from '../../functions/credentials/secret-token';
import { startLocalStack } from '../../local/server';
import { ScimClient } from './client';
import { installMeter, meterRequests } from './metering';
import { Recorder, round, type Sample } from './stats';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PAGE = 100;
const SEED_SLICE = 25_000;
/** BatchWriteItem calls in flight while seeding (DynamoDB Local is one Java process: more only queue). */
const SEED_PARALLEL = 8;

/** User number `i` as the walks expect it: half of them with title "odd". */
const userNumber = (i: number) => ({
  schemas: [USER],
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  userName: `user${i}@big.example`,
  title: i % 2 ? 'odd' : 'even',
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ value: `user${i}@big.example`, type: 'work', primary: true }],
});

/** Keeps every sample in order (the walk needs per-page units, not percentiles). */
class PageLog extends Recorder {
  readonly pages: Sample[] = [];
  override add(operation: string, sample: Sample): void {
    this.pages.push(sample);
    super.add(operation, sample);
  }
}

export interface WalkFigures {
  readonly walk: string;
  readonly users: number;
  readonly expected: number;
  readonly seen: number;
  readonly everyUserOnce: boolean;
  readonly pages: number;
  readonly totalSeconds: number;
  readonly rcuFirstPage: number;
  readonly rcuSecondPage: number;
  readonly rcuMiddlePage: number;
  readonly rcuLastPage: number;
  readonly rcuPerPageMax: number;
}

export async function bigTenantBenchmark(users: number): Promise<{ seedSeconds: number; walks: WalkFigures[] }> {
  const tenant = { tenantId: 'big-tenant', token: generateToken() };
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-big-tenant',
    tenants: [tenant],
    authorizerCacheSeconds: 300,
    aroundRequest: meterRequests,
    log: () => undefined,
  });
  try {
    installMeter(documentClient());
    console.log(`big tenant: writing ${users} users through the store (parallel BatchWriteItem, store/resource-seeding.ts)`);
    const seedStarted = performance.now();
    // In slices, so the items of 100,000 users are never all in memory at once; the counts are set by the last recount.
    for (let from = 0; from < users; from += SEED_SLICE) {
      const slice = Array.from({ length: Math.min(SEED_SLICE, users - from) }, (_, k) => userNumber(from + k));
      await seedResources(stack.db, tenant.tenantId, 'User', slice, standardRegistry, SEED_PARALLEL);
      console.log(`big tenant: ${from + slice.length} users after ${round((performance.now() - seedStarted) / 1000, 1)} s`);
    }
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    const base = `${stack.url}/tenants/${tenant.tenantId}/scim/v2`;
    const walks = [
      await walk(base, tenant.token, users, 'no filter', undefined, users),
      await walk(base, tenant.token, users, 'filter title eq "odd" (no key)', 'title eq "odd"', Math.floor(users / 2)),
    ];
    return { seedSeconds, walks };
  } finally {
    await stack.stop();
  }
}

async function walk(
  base: string,
  token: string,
  users: number,
  name: string,
  filter: string | undefined,
  expected: number,
): Promise<WalkFigures> {
  console.log(`big tenant: walking ${name} by startIndex pages of ${PAGE}`);
  const log = new PageLog();
  const client = new ScimClient(base, token, log);
  const seen = new Set<string>();
  let count = 0;
  const started = performance.now();
  for (let startIndex = 1; ;) {
    const query = `/Users?startIndex=${startIndex}&count=${PAGE}&attributes=userName${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`;
    const page = await client.call('walk page', 'GET', query);
    if (page.status !== 200) throw new Error(`${name}: startIndex=${startIndex} answered ${page.status}: ${JSON.stringify(page.body)}`);
    const resources = (page.body.Resources ?? []) as { userName: string }[];
    for (const resource of resources) seen.add(resource.userName);
    count += resources.length;
    if (resources.length < PAGE) break;
    startIndex += resources.length;
  }
  const rcu = log.pages.map((sample) => round(sample.meter?.rcu ?? 0, 1));
  const at = (index: number) => rcu[Math.min(rcu.length - 1, Math.max(0, index))] ?? 0;
  return {
    walk: name,
    users,
    expected,
    seen: seen.size,
    everyUserOnce: seen.size === expected && count === expected,
    pages: rcu.length,
    totalSeconds: round((performance.now() - started) / 1000, 1),
    rcuFirstPage: at(0),
    rcuSecondPage: at(1),
    rcuMiddlePage: at(Math.floor(rcu.length / 2)),
    rcuLastPage: at(rcu.length - 1),
    rcuPerPageMax: Math.max(...rcu.slice(1)),
  };
}
