/**
 * `npm run load-test`: a bounded local load test (issue #28), loopback only. One local stack on
 * DynamoDB Local with API Gateway's per-tenant usage-plan throttle emulated (local/tenant-throttle.ts,
 * twice the quiet rate, like the default plan's 50 rps for Entra's 25). Three phases of `--seconds` each
 * (at most 60):
 *  1. quiet: `--tenants` tenants (default 3) at `--quiet-rps` (default 25, Entra's pace) each (key
 *     lookups, reads by id, a PATCH in five) — the baseline;
 *  2. at plan: the same, plus a fourth tenant at its plan's rate (twice the quiet rate): all admitted;
 *  3. noisy: the same, but the fourth tenant sends ten times the quiet rate (the plan refuses the
 *     excess), with junk token requests (0.8× the quiet rate, wrong secrets, from another loopback
 *     address) and a quiet tenant's real client asking for a token every 2 s.
 * One process serves every tenant here and sends the load (in AWS each request has its own Lambda
 * execution), so the fourth tenant's admitted share takes CPU from the others: isolation is checked
 * against the at-plan phase (what the excess and the junk cost), and the ratio to the quiet phase is
 * printed with each phase's event-loop and CPU use (this machine's headroom). Requests are sent
 * open-loop on a fixed schedule (at most 400 in flight). Prints per tenant and phase the requests,
 * p50/p99 and status counts, then checks: zero 5xx; 429s only for the noisy tenant; the real client
 * always gets its token; quiet tenants' p99 in the noisy phase within `--factor` (default 3) of the
 * at-plan phase. Exits 1 when a check fails.
 *
 *   npm run load-test -- --seconds 10 --tenants 3 --factor 3
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ClientCredentials } from '../functions/credentials/client-credentials';
import { addClient } from '../functions/credentials/client-service';
import { createResource } from '../functions/store/resources';
import { standardRegistry } from '../functions/scim/schema/registry';
import { generateToken } from '../functions/credentials/secret-token';
import { startLocalStack } from '../local/server';
import { percentile, round, table } from './bench/stats';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    tenants: { type: 'string', default: '3' },
    factor: { type: 'string', default: '3' },
    'quiet-rps': { type: 'string', default: '25' },
  },
});
// Handlers log and publish metrics as deployed; here that output would only cost CPU.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const SECONDS = Math.min(60, Math.max(1, Number(values.seconds)));
const QUIET_TENANTS = Math.min(10, Math.max(1, Number(values.tenants)));
const FACTOR = Number(values.factor);
/** Entra's pace; the emulated usage plan allows twice that (the default plan: 50 for 25), the noisy tenant sends ten times it. */
const QUIET_RPS = Math.min(25, Math.max(1, Number(values['quiet-rps'])));
const NOISY_RPS = 10 * QUIET_RPS;
/** The emulated usage plan's rate: a tenant at this pace has every request admitted. */
const PLAN_RPS = 2 * QUIET_RPS;
const JUNK_RPS = Math.max(1, Math.round(0.8 * QUIET_RPS));
const MAX_IN_FLIGHT = 400;
const USERS_PER_TENANT = 20;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Result {
  readonly ms: number;
  readonly status: number;
}

let inFlight = 0;
let port = 0;

function send(method: string, path: string, headers: Record<string, string>, body?: string, localAddress = '127.0.0.1'): Promise<Result> {
  const started = performance.now();
  inFlight += 1;
  return new Promise<Result>((resolve) => {
    const req = request({ host: '127.0.0.1', port, localAddress, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, status: 599 }));
    req.end(body);
  }).finally(() => {
    inFlight -= 1;
  });
}

/** Open loop: `work(i)` at `rps` for `seconds`; returns every result (a skipped send when 400 are in flight counts as 599). */
async function schedule(rps: number, seconds: number, work: (i: number) => Promise<Result>): Promise<Result[]> {
  const total = Math.round(rps * seconds);
  const started = performance.now();
  const pending: Promise<Result>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(inFlight >= MAX_IN_FLIGHT ? Promise.resolve({ ms: 0, status: 599 }) : work(i));
  }
  return Promise.all(pending);
}

/**
 * CPU use over a phase: this process's event loop (busy share: one Node process serves every tenant
 * and sends the load) and CPU seconds of this process and of its children (DynamoDB Local's Java).
 */
function phaseUsage(): () => Record<string, string | number> {
  const [loop, cpu, children, started] = [performance.eventLoopUtilization(), process.cpuUsage(), childCpuSeconds(), performance.now()];
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const own = process.cpuUsage(cpu);
    return {
      'event loop busy': `${Math.round(performance.eventLoopUtilization(loop).utilization * 100)}%`,
      'node CPU s/s': round((own.user + own.system) / 1e6 / seconds, 2),
      'DynamoDB Local CPU s/s': round((childCpuSeconds() - children) / seconds, 2),
    };
  };
}

/** CPU seconds of this process's descendants (Linux /proc; 0 elsewhere). */
function childCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return 0;
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        // pid (comm) state ppid ... utime(14) stime(15): fields after the closing parenthesis.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return [];
      }
    });
  const descendants = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) if (descendants.has(s.ppid) && !descendants.has(s.pid)) grew = descendants.add(s.pid) !== undefined;
  }
  return stats.filter((s) => s.pid !== process.pid && descendants.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

interface Tenant {
  readonly tenantId: string;
  readonly token: string;
  readonly ids: string[];
}

function scimTraffic(tenant: Tenant) {
  const headers = { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/scim+json' };
  const base = `/tenants/${tenant.tenantId}/scim/v2`;
  return (i: number): Promise<Result> => {
    const n = i % USERS_PER_TENANT;
    const id = tenant.ids[n] as string;
    if (i % 5 === 4) {
      const body = JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: `t${i}` }] });
      return send('PATCH', `${base}/Users/${id}`, headers, body);
    }
    if (i % 2 === 0) return send('GET', `${base}/Users/${id}`, headers);
    return send('GET', `${base}/Users?filter=${encodeURIComponent(`userName eq "u${n}@${tenant.tenantId}.example"`)}`, headers);
  };
}

function tokenRequest(tenantId: string, clientId: string, clientSecret: string, localAddress: string): Promise<Result> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  return send(
    'POST',
    `/tenants/${tenantId}/oauth2/token`,
    { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
    body,
    localAddress,
  );
}

function figures(phase: string, who: string, results: readonly Result[]) {
  const ms = results
    .filter((r) => r.status !== 599)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const count = (test: (status: number) => boolean) => results.filter((r) => test(r.status)).length;
  return {
    phase,
    who,
    requests: results.length,
    p50ms: ms.length ? percentile(ms, 0.5, 1) : 0,
    p99ms: ms.length ? percentile(ms, 0.99, 1) : 0,
    '2xx': count((s) => s >= 200 && s < 300),
    '429': count((s) => s === 429),
    '4xx other': count((s) => s >= 400 && s < 500 && s !== 429),
    '5xx': count((s) => s >= 500 && s !== 599),
    skipped: count((s) => s === 599),
  };
}

const quiet: Tenant[] = Array.from({ length: QUIET_TENANTS }, (_, i) => ({ tenantId: `quiet${i + 1}`, token: generateToken(), ids: [] }));
const noisy: Tenant = { tenantId: 'noisy', token: generateToken(), ids: [] };
const stack = await startLocalStack({
  port: 0,
  host: '127.0.0.1',
  tableName: `load-test-${Date.now()}`,
  tenants: [...quiet, noisy].map(({ tenantId, token }) => ({ tenantId, token })),
  authorizerCacheSeconds: 300,
  tenantThrottle: { rateLimit: PLAN_RPS, burstLimit: 2 * PLAN_RPS },
  log: () => undefined,
});
port = Number(new URL(stack.url).port);
let failed = false;
try {
  for (const tenant of [...quiet, noisy]) {
    for (let n = 0; n < USERS_PER_TENANT; n += 1) {
      const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      await createResource(
        stack.db,
        tenant.tenantId,
        'User',
        { schemas: [USER], id, userName: `u${n}@${tenant.tenantId}.example` },
        standardRegistry,
      );
      tenant.ids.push(id);
    }
  }
  const client: ClientCredentials = await addClient(stack.db, (quiet[0] as Tenant).tenantId);
  console.log(
    `load test: ${QUIET_TENANTS} quiet tenants at ${QUIET_RPS}/s, noisy at ${NOISY_RPS}/s, ${SECONDS} s per phase, loopback port ${port}`,
  );

  // Warm-up: load every function once.
  await Promise.all([...quiet, noisy].map((t) => scimTraffic(t)(0)));

  console.log('phase 1: quiet');
  let usage = phaseUsage();
  const baseline = await Promise.all(quiet.map((t) => schedule(QUIET_RPS, SECONDS, scimTraffic(t))));
  const quietUsage = usage();

  console.log(`phase 2: the fourth tenant at its plan's rate (${PLAN_RPS}/s): everything admitted`);
  usage = phaseUsage();
  const [atPlan, planResults] = await Promise.all([
    Promise.all(quiet.map((t) => schedule(QUIET_RPS, SECONDS, scimTraffic(t)))),
    schedule(PLAN_RPS, SECONDS, scimTraffic(noisy)),
  ]);
  const planUsage = usage();
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the plan's bucket refills

  console.log(`phase 3: the fourth tenant at ${NOISY_RPS}/s (noisy), junk token requests at ${JUNK_RPS}/s`);
  usage = phaseUsage();
  const [loaded, noisyResults, junk, realTokens] = await Promise.all([
    Promise.all(quiet.map((t) => schedule(QUIET_RPS, SECONDS, scimTraffic(t)))),
    schedule(NOISY_RPS, SECONDS, scimTraffic(noisy)),
    schedule(JUNK_RPS, SECONDS, (i) =>
      tokenRequest((quiet[0] as Tenant).tenantId, i % 2 ? client.clientId : `junk-${i}`, 'wrong', '127.0.0.9'),
    ),
    schedule(0.5, SECONDS, () => tokenRequest((quiet[0] as Tenant).tenantId, client.clientId, client.clientSecret, '127.0.0.1')),
  ]);
  const noisyUsage = usage();

  const rows = [
    ...quiet.map((t, k) => figures('quiet', t.tenantId, baseline[k] as Result[])),
    ...quiet.map((t, k) => figures('at plan', t.tenantId, atPlan[k] as Result[])),
    figures('at plan', `${noisy.tenantId} (at plan)`, planResults),
    ...quiet.map((t, k) => figures('noisy', t.tenantId, loaded[k] as Result[])),
    figures('noisy', `${noisy.tenantId} (10x)`, noisyResults),
    figures('noisy', 'junk token requests', junk),
    figures('noisy', 'real client token', realTokens),
  ];
  console.log(`\n${table(rows)}`);
  console.log(
    `\n${table([
      { phase: 'quiet', ...quietUsage },
      { phase: 'at plan', ...planUsage },
      { phase: 'noisy', ...noisyUsage },
    ])}`,
  );

  const checks: { check: string; measured: string; met: string }[] = [];
  const check = (name: string, measured: string, ok: boolean) => {
    checks.push({ check: name, measured, met: ok ? 'yes' : 'no' });
    if (!ok) failed = true;
  };
  const all = [...baseline.flat(), ...atPlan.flat(), ...planResults, ...loaded.flat(), ...noisyResults, ...junk, ...realTokens];
  const fiveXx = all.filter((r) => r.status >= 500 && r.status !== 599).length;
  check('zero 5xx', `${fiveXx}`, fiveXx === 0);
  const quiet429 = [...baseline.flat(), ...atPlan.flat(), ...planResults, ...loaded.flat()].filter((r) => r.status === 429).length;
  check(
    '429s only for the noisy tenant',
    `quiet ${quiet429}, noisy ${noisyResults.filter((r) => r.status === 429).length}`,
    quiet429 === 0,
  );
  check(
    'the real client gets every token',
    `${realTokens.filter((r) => r.status === 200).length}/${realTokens.length}`,
    realTokens.every((r) => r.status === 200),
  );
  const p99 = (results: Result[][]) =>
    percentile(
      results
        .flat()
        .filter((r) => r.status !== 599)
        .map((r) => r.ms)
        .sort((a, b) => a - b),
      0.99,
      1,
    );
  // Isolation: what the noisy tenant's excess (refused by its plan) and the junk cost the others, against
  // the same admitted load. The quiet run's ratio also counts the plan's admitted share, which in AWS runs
  // in Lambda executions of its own and here shares one Node process (docs/capacity.md#load-test).
  const [quietP99, planP99, noisyP99] = [p99(baseline), p99(atPlan), p99(loaded)];
  check(
    `quiet tenants' p99 within ${FACTOR}x of the at-plan run`,
    `${noisyP99} ms vs ${planP99} ms (${round(noisyP99 / planP99, 2)}x)`,
    noisyP99 <= FACTOR * planP99,
  );
  checks.push({
    check: `quiet tenants' p99 against the quiet run (this machine's headroom, not checked)`,
    measured: `${noisyP99} ms vs ${quietP99} ms (${round(noisyP99 / quietP99, 2)}x)`,
    met: '-',
  });
  console.log(`\n${table(checks)}`);
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
