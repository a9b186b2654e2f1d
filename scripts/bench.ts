/**
 * `npm run bench`: provisioning cycles as Entra runs them, over HTTP against the local stack on
 * DynamoDB Local, with DynamoDB round trips and consumed capacity per request; Lambda bundle sizes
 * and init times; the core against published SCIM libraries. Prints tables and writes JSON.
 *
 *   --users 2000 --groups 100 --memberships 20000
 *   --in-flight 1,8          run the cycles once per figure: requests in flight (the first run also
 *                            gives the e2e/DynamoDB target, which is defined at 1 in flight)
 *   --huge-group 100000      also build, read, page and delete a group of that many members
 *   --bulk 500               POST /Bulk of that many creates, serial and concurrent (0: skip)
 *   --oauth 200              token requests and authorizer evaluations per credential (0: skip)
 *   --extensions 200         users per tenant for the schema-extension comparison (0: skip)
 *   --skip cycles,bundles,micro,oauth,extensions
 *   --out bench-results/bench.json
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { documentClient } from '../functions/store/client';
import { generateToken } from '../functions/tenants/token';
import { BUNDLE_BUDGETS } from '../lib/bundling';
import { startLocalStack } from '../local/server';
import { measureBundles, type BundleFigures } from './bench/bundles';
import { ScimClient } from './bench/client';
import { bulkCreates, hugeGroup, incrementalCycle, initialCycle, type HugeGroupFigures } from './bench/cycles';
import { cpuMeter } from './bench/cpu';
import { dropHandlerRecords } from './bench/handler-output';
import { addHandlerCpu, installMeter, meterRequests } from './bench/metering';
import { microBenchmarks, type MicroFigures } from './bench/micro';
import { oauthBenchmark } from './bench/oauth';
import { extensionBenchmark } from './bench/extensions';
import { Recorder, table, type OperationFigures } from './bench/stats';

// Handlers log and publish metrics as deployed; their JSON records are dropped at stdout (handler-output.ts).
dropHandlerRecords();

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    groups: { type: 'string', default: '100' },
    memberships: { type: 'string', default: '20000' },
    'in-flight': { type: 'string', default: '1,8' },
    'huge-group': { type: 'string', default: '0' },
    bulk: { type: 'string', default: '500' },
    oauth: { type: 'string', default: '200' },
    extensions: { type: 'string', default: '200' },
    skip: { type: 'string', default: '' },
    out: { type: 'string', default: 'bench-results/bench.json' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
};
const skip = new Set(String(values.skip).split(',').filter(Boolean));
const inFlight = String(values['in-flight'])
  .split(',')
  .map((v) => Number(v))
  .filter((v) => Number.isInteger(v) && v > 0);
if (inFlight.length === 0) throw new Error('--in-flight must list whole numbers, e.g. 1,8');
const baseSizes = { users: number('users'), groups: number('groups'), memberships: number('memberships') };

interface Target {
  target: string;
  measured: string;
  met: string;
}

interface BulkFigures {
  size: number;
  serialMs: number;
  concurrentMs: number;
}

interface CycleFigures {
  concurrency: number;
  initial: OperationFigures[];
  incremental: OperationFigures[];
  bulk?: BulkFigures;
  huge?: HugeGroupFigures;
}

/**
 * The cycles once per in-flight figure, on one local stack (handlers and their DynamoDB client are
 * loaded once per process), each run with its own tenant so that runs do not see each other's data.
 * `extras` (bulk, huge group) run with the last figure.
 */
async function runAllCycles(): Promise<CycleFigures[]> {
  const tenants = inFlight.map((concurrency) => ({ tenantId: `bench-${concurrency}`, token: generateToken() }));
  let cpu = cpuMeter('process', addHandlerCpu);
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench',
    tenants,
    // As deployed: API Gateway caches the authorizer's answer per token.
    authorizerCacheSeconds: 300,
    aroundRequest: meterRequests,
    aroundInvoke: (name, invoke) => cpu.aroundInvoke(name, invoke),
    log: () => undefined,
  });
  const runs: CycleFigures[] = [];
  try {
    installMeter(documentClient());
    for (const [k, concurrency] of inFlight.entries()) {
      cpu.stop();
      cpu = cpuMeter(concurrency === 1 ? 'process' : 'slices', addHandlerCpu);
      const { tenantId, token } = tenants[k] as { tenantId: string; token: string };
      runs.push(await runCycles(`${stack.url}/tenants/${tenantId}/scim/v2`, token, concurrency, k === inFlight.length - 1, () => stack.drainStreams()));
    }
  } finally {
    cpu.stop();
    await stack.stop();
  }
  return runs;
}

async function runCycles(base: string, token: string, concurrency: number, extras: boolean, drain: () => Promise<void>): Promise<CycleFigures> {
  const sizes = { ...baseSizes, concurrency };
  const initialRecorder = new Recorder();
  console.log(`initial cycle: ${sizes.users} users, ${sizes.groups} groups, ${sizes.memberships} memberships, ${concurrency} in flight`);
  const population = await initialCycle(new ScimClient(base, token, initialRecorder), initialRecorder, sizes);
  const incrementalRecorder = new Recorder();
  console.log('incremental cycle');
  await incrementalCycle(new ScimClient(base, token, incrementalRecorder), incrementalRecorder, sizes, population);
  let bulk: BulkFigures | undefined;
  const bulkSize = number('bulk');
  if (extras && bulkSize > 0) {
    console.log(`bulk: ${bulkSize} creates per request, serial then concurrent`);
    bulk = { size: bulkSize, ...(await bulkCreates(new ScimClient(base, token, incrementalRecorder), bulkSize, 2)) };
  }
  let huge: HugeGroupFigures | undefined;
  const hugeSize = number('huge-group');
  if (extras && hugeSize > 0) {
    console.log(`huge group: ${hugeSize} members`);
    huge = await hugeGroup(new ScimClient(base, token, incrementalRecorder), incrementalRecorder, hugeSize, sizes.concurrency, drain);
  }
  return { concurrency, initial: initialRecorder.figures(), incremental: incrementalRecorder.figures(), ...(bulk ? { bulk } : {}), ...(huge ? { huge } : {}) };
}

/** Handler CPU budget of an operation (issue #18): GETs 1 ms, single-resource writes 2 ms; none for bulk work. */
function cpuBudget(operation: string): number | undefined {
  if (/Bulk|1,000|huge|50 members|DELETE/.test(operation)) return undefined;
  if (operation.startsWith('GET ')) return 1;
  if (/^(PATCH|PUT|POST) /.test(operation)) return 2;
  return undefined;
}

function targets(runs: CycleFigures[], bundles: BundleFigures[], micro: MicroFigures[]): Target[] {
  const first = runs[0];
  const all = first ? [...first.initial, ...first.incremental] : [];
  const bulk = runs.find((r) => r.bulk)?.bulk;
  const op = (name: string) => all.find((f) => f.operation === name);
  const rows: Target[] = [];
  const check = (target: string, name: string, pick: (f: OperationFigures) => number, limit: number) => {
    const figure = op(name);
    if (figure) rows.push({ target, measured: `${pick(figure)}`, met: pick(figure) <= limit ? 'yes' : `no (${limit})` });
  };
  check('GET by id = 1 round trip', 'GET /Users/{id}', (f) => f.roundTripsPerRequest, 1);
  check('filter userName eq ≤ 2 round trips', 'GET /Users?filter=userName eq (miss)', (f) => f.roundTripsPerRequest, 2);
  check('filter externalId eq ≤ 2 round trips', 'GET /Users?filter=externalId eq (hit)', (f) => f.roundTripsPerRequest, 2);
  check('filter displayName eq ≤ 2 round trips', 'GET /Groups?filter=displayName eq&excludedAttributes=members', (f) => f.roundTripsPerRequest, 2);
  check('POST = 1 transaction', 'POST /Users', (f) => f.roundTripsPerRequest, 1);
  check('PATCH ≤ 2 round trips', 'PATCH /Users (Entra replace: 3 attributes)', (f) => f.roundTripsPerRequest, 2);
  check('PUT ≤ 2 round trips', 'PUT /Users/{id}', (f) => f.roundTripsPerRequest, 2);
  check('add 50 members: writes ≤ ⌈50/25⌉ (+1 version bump)', 'PATCH /Groups add 50 members', (f) => f.roundTripsPerRequest, 5);
  if (first?.concurrency === 1) {
    for (const f of all) {
      if (f.latencyOverDynamo > 0) rows.push({ target: `e2e / DynamoDB ≤ 1.3 at 1 in flight: ${f.operation}`, measured: `${f.latencyOverDynamo}`, met: f.latencyOverDynamo <= 1.3 ? 'yes' : 'no' });
    }
  }
  for (const run of runs) {
    for (const f of [...run.initial, ...run.incremental]) {
      const budget = cpuBudget(f.operation);
      if (budget === undefined) continue;
      rows.push({ target: `handler CPU p50 ≤ ${budget} ms at ${run.concurrency} in flight: ${f.operation}`, measured: `${f.cpuP50} ms`, met: f.cpuP50 <= budget ? 'yes' : 'no' });
    }
  }
  if (bulk) {
    const speedup = Math.round((bulk.serialMs / bulk.concurrentMs) * 100) / 100;
    rows.push({ target: `POST /Bulk ${bulk.size} creates ≥ 4× faster than one at a time`, measured: `${speedup}× (${Math.round(bulk.serialMs)} → ${Math.round(bulk.concurrentMs)} ms)`, met: speedup >= 4 ? 'yes' : 'no' });
  }
  for (const b of bundles.filter((f) => f.sdk === 'bundled')) {
    const budget = b.function === 'authorizer' ? 150 : 400;
    rows.push({ target: `bundle ${b.function} ≤ ${budget} KiB (SDK bundled)`, measured: `${b.kib} KiB`, met: b.kib <= budget ? 'yes' : `no (+${Math.round((b.kib / budget - 1) * 100)}%)` });
  }
  for (const m of micro.filter((r) => r.implementation !== 'scim-serverless core')) {
    rows.push({ target: `core ≥ 2× ${m.implementation} (${m.benchmark})`, measured: `${m.coreAdvantage}×`, met: m.coreAdvantage >= 2 ? 'yes' : 'no' });
  }
  return rows;
}

/** `exact`: 1 in flight, where the CPU inside SDK calls can be told apart (metering.ts). */
const opRows = (figures: OperationFigures[], exact = true) =>
  figures.map((f) => ({
    operation: f.operation,
    n: f.count,
    'p50 ms': f.p50,
    'p95 ms': f.p95,
    'p99 ms': f.p99,
    'req/s': f.requestsPerSecond,
    'DDB calls': f.roundTripsPerRequest,
    RCU: f.rcuPerRequest,
    WCU: f.wcuPerRequest,
    'DDB ms': f.dynamoMs,
    'e2e/DDB': f.latencyOverDynamo,
    'overhead ms': f.overheadMs,
    'CPU p50 ms': f.cpuP50,
    'CPU p95 ms': f.cpuP95,
    'in SDK p50': exact ? f.sdkCpuP50 : '-',
    '5xx': f.errors,
  }));

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
const runs: CycleFigures[] = [];
if (!skip.has('cycles')) {
  runs.push(...(await runAllCycles()));
}
const bundles = skip.has('bundles') ? [] : await measureBundles();
const micro = skip.has('micro') ? [] : await microBenchmarks();
const oauth = skip.has('oauth') || number('oauth') === 0 ? undefined : await oauthBenchmark(number('oauth'));
const extensions = skip.has('extensions') || number('extensions') === 0 ? undefined : await extensionBenchmark(number('extensions'));

for (const run of runs) {
  console.log(`\nInitial cycle, ${run.concurrency} in flight\n${table(opRows(run.initial, run.concurrency === 1))}`);
  console.log(`\nIncremental cycle, ${run.concurrency} in flight\n${table(opRows(run.incremental, run.concurrency === 1))}`);
  if (run.huge) console.log(`\nHuge group\n${table([run.huge as unknown as Record<string, number>])}`);
}
if (bundles.length) console.log(`\nLambda bundles (minified; init in a fresh Node 22 process; sdk runtime = ScimEndpoint awsSdk: 'runtime'; budgets in lib/bundling.ts: ${JSON.stringify(BUNDLE_BUDGETS)})\n${table(bundles as unknown as Record<string, number>[])}`);
if (oauth) {
  console.log(`\nOAuth: token endpoint and GET /Users per credential (HTTP, authorizer cache off)\n${table(opRows(oauth.http))}`);
  console.log(`\nOAuth: authorizer per evaluation (handler in-process)\n${table(oauth.authorizer as unknown as Record<string, string | number>[])}`);
}
if (extensions) {
  console.log(`\nSchema extension: a tenant without one vs a 20-attribute extension on every user (1 in flight)\n${table(extensions.rows as unknown as Record<string, string | number>[])}`);
  console.log(`settings JSON ${extensions.settingsBytes} bytes (not sent in the authorizer context), digest ${extensions.digestBytes} bytes; profile build ${extensions.profileBuildMs} ms once per settings version`);
}
if (micro.length) console.log(`\nCore vs libraries\n${table(micro as unknown as Record<string, string | number>[])}`);
const targetRows = targets(runs, bundles, micro);
for (const row of extensions?.rows ?? []) {
  const same = row['DDB calls (no ext)'] === row['DDB calls (20 attrs)'];
  targetRows.push({ target: `20-attribute extension costs the same DynamoDB calls: ${row.operation}`, measured: `${row['DDB calls (20 attrs)']} vs ${row['DDB calls (no ext)']}`, met: same ? 'yes' : 'no' });
}
console.log(`\nTargets\n${table(targetRows as unknown as Record<string, string>[])}`);

await mkdir(dirname(String(values.out)), { recursive: true });
await writeFile(String(values.out), `${JSON.stringify({ date: new Date().toISOString(), machine, sizes: { ...baseSizes, inFlight }, runs, bundles, micro, oauth, extensions, targets: targetRows }, null, 2)}\n`);
console.log(`\nwritten ${values.out}`);
