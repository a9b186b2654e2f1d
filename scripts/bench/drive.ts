/**
 * One request type at a time, for profiling the handlers: the real authorizer and Lambda handlers
 * behind the local API Gateway emulation (no HTTP, no benchmark client, no stream poller) on
 * DynamoDB Local, logging and metrics as deployed (handler-output.ts). Prints the handler CPU per
 * request (p50/p95, cpu.ts), the part inside SDK calls, the main thread's share of the process's
 * CPU, and the mean time of DynamoDB's HTTP exchanges; a `--cpu-prof` profile of its measured
 * window is the handler's and the emulation's alone.
 *
 *   node scripts/node22.mjs --experimental-async-context-frame --import tsx scripts/bench/drive.ts get-user 2000
 *   node scripts/node22.mjs --experimental-async-context-frame --cpu-prof --cpu-prof-dir=bench-results/drive \
 *     --import tsx scripts/bench/drive.ts filter-username 3000
 *   npx tsx scripts/bench/cpu-profile.ts bench-results/drive <profileWindowUs from the line printed>
 */
import { performance } from 'node:perf_hooks';
import { generateToken } from '../../functions/credentials/secret-token';
import { documentClient } from '../../functions/store/dynamodb-client';
import { localGateway } from '../../local/gateway';
import type { GatewayRequest } from '../../local/http-event';
import { startLocalStack } from '../../local/server';
import { entraUser } from './cycles';
import { cpuMicros, mainThreadMicros } from './cpu';
import { dropHandlerRecords } from './handler-output';
import { installMeter, meterRequests, takeMeter, METER_HEADER } from './metering';
import { percentile, round } from './stats';

dropHandlerRecords();

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const q = (filter: string) => encodeURIComponent(filter);

type Call = { method: string; path: string; body?: unknown };
interface Fixture {
  users: string[];
  groups: string[];
}

/** Each operation: the calls it makes for request number `i` over the seeded users and groups. */
const OPERATIONS: Record<string, (i: number, f: Fixture) => Call> = {
  'get-user': (i, f) => ({ method: 'GET', path: `/Users/${f.users[i % f.users.length]}` }),
  'filter-username': (i) => ({ method: 'GET', path: `/Users?filter=${q(`userName eq "nobody${i}@contoso.example"`)}` }),
  'filter-externalid': (i, f) => ({ method: 'GET', path: `/Users?filter=${q(`externalId eq "user-ext-${i % f.users.length}"`)}` }),
  'filter-displayname': (i) => ({ method: 'GET', path: `/Groups?filter=${q(`displayName eq "nobody ${i}"`)}&excludedAttributes=members` }),
  'post-user': (i) => ({ method: 'POST', path: '/Users', body: entraUser(i, `drive${Date.now()}-`) }),
  'patch-user': (i, f) => {
    const id = f.users[i % f.users.length] as string;
    return {
      method: 'PATCH',
      path: `/Users/${id}`,
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'displayName', value: `Renamed ${i}` },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `${i}@fabrikam.example` },
          { op: 'Replace', path: `${ENTERPRISE}:department`, value: `Moved ${i}` },
        ],
      },
    };
  },
  'put-user': (i, f) => ({
    method: 'PUT',
    path: `/Users/${f.users[i % f.users.length]}`,
    body: { ...entraUser(i % f.users.length), title: `Replaced ${i}` },
  }),
  'get-group': (i, f) => ({ method: 'GET', path: `/Groups/${f.groups[i % f.groups.length]}?excludedAttributes=members` }),
  'patch-group-name': (i, f) => ({
    method: 'PATCH',
    path: `/Groups/${f.groups[i % f.groups.length]}`,
    body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${i}` }] },
  }),
};

const [operation = 'get-user', countText = '1000'] = process.argv.slice(2);
const make = OPERATIONS[operation];
if (!make) throw new Error(`operation must be one of ${Object.keys(OPERATIONS).join(', ')}`);
const count = Number(countText);

const tenantId = 'drive';
const token = generateToken();
const stack = await startLocalStack({ port: 0, tableName: 'drive', tenants: [{ tenantId, token }], streams: false, log: () => undefined });
installMeter(documentClient());
const cpu: number[] = [];
let timing = false;
const gateway = localGateway({
  authorizerCacheSeconds: 300,
  log: (line) => console.error(line),
  aroundInvoke: async (_name, invoke) => {
    if (!timing) return invoke();
    const started = cpuMicros();
    try {
      return await invoke();
    } finally {
      cpu.push((cpuMicros() - started) / 1000);
    }
  },
});

let next = 0;
async function call({
  method,
  path,
  body,
}: Call): Promise<{ status: number; body: Record<string, unknown>; dynamoMs: number; sdkCpuMs: number }> {
  const id = `d${(next += 1)}`;
  const rawPath = `/tenants/${tenantId}/scim/v2${path.split('?')[0]}`;
  const request: GatewayRequest = {
    method,
    rawPath,
    rawQuery: path.includes('?') ? path.slice(path.indexOf('?') + 1) : '',
    rawHeaders: ['Host', 'localhost', 'Authorization', `Bearer ${token}`, 'Content-Type', 'application/scim+json', METER_HEADER, id],
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    sourceIp: '127.0.0.1',
    serverPort: stack.port,
    requestId: id,
    receivedAt: new Date(),
  };
  const fakeIncoming = { headers: { [METER_HEADER]: id } } as never;
  const result = await meterRequests(fakeIncoming, () => gateway(request));
  const meter = takeMeter(id);
  return {
    status: result.statusCode,
    body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {},
    dynamoMs: meter?.dynamoMs ?? 0,
    sdkCpuMs: meter?.sdkCpuMs ?? 0,
  };
}

try {
  const fixture: Fixture = { users: [], groups: [] };
  for (let i = 0; i < 200; i += 1) {
    const created = await call({ method: 'POST', path: '/Users', body: entraUser(i) });
    fixture.users.push(String(created.body.id));
  }
  for (let i = 0; i < 20; i += 1) {
    const created = await call({ method: 'POST', path: '/Groups', body: { schemas: [GROUP], displayName: `Group ${i}` } });
    fixture.groups.push(String(created.body.id));
  }
  // Warm up the JIT on this very operation before measuring.
  for (let i = 0; i < Math.min(500, count); i += 1) await call(make(i + count, fixture));
  timing = true;
  let dynamo = 0;
  const sdk: number[] = [];
  let statuses = new Map<number, number>();
  const started = performance.now();
  // The monotonic clock V8's profiler stamps samples with, so that cpu-profile.ts can keep this phase alone.
  const windowFrom = process.hrtime.bigint() / 1000n;
  const processStarted = cpuMicros();
  const mainStarted = mainThreadMicros();
  for (let i = 0; i < count; i += 1) {
    const result = await call(make(i, fixture));
    dynamo += result.dynamoMs;
    sdk.push(result.sdkCpuMs);
    statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
  }
  const wall = performance.now() - started;
  const windowTo = process.hrtime.bigint() / 1000n;
  const mainEnded = mainThreadMicros();
  const processMs = (cpuMicros() - processStarted) / 1000;
  // Over the whole phase the main thread's counter is exact enough (cpu.ts): what the rest is, is V8's background threads.
  const mainThreadShare =
    mainStarted === undefined || mainEnded === undefined ? undefined : round((mainEnded - mainStarted) / 1000 / processMs, 3);
  timing = false;
  const sorted = [...cpu].sort((a, b) => a - b);
  // Not a line starting with `{`: handler-output.ts drops those as the handlers' records.
  console.log(
    'drive',
    JSON.stringify({
      operation,
      count,
      statuses: Object.fromEntries(statuses),
      cpuP50: percentile(sorted, 0.5, 3),
      cpuP95: percentile(sorted, 0.95, 3),
      sdkCpuP50: percentile(
        sdk.sort((a, b) => a - b),
        0.5,
        3,
      ),
      processCpuPerRequest: round(processMs / count, 3),
      mainThreadShare,
      wallMeanMs: round(wall / count, 3),
      dynamoMeanMs: round(dynamo / count, 3),
      profileWindowUs: `${windowFrom},${windowTo}`,
    }),
  );
  statuses = new Map();
} finally {
  await stack.stop();
}
