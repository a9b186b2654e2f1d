/**
 * `npm run cost`: what a million SCIM requests cost on AWS, and the fixed monthly floor (issue #26),
 * from the synthesized template (scripts/cost/template-settings.ts: memory, architecture, tracing,
 * log retention, stream consumers and their filters, schedules, KMS keys, alarms, dashboard, WAF)
 * times what an Entra initial sync and an incremental cycle measurably use on the local stack
 * (scripts/cost/workload.ts), at the list prices of scripts/cost/prices.ts.
 *
 *   --users 200 --groups 10 --memberships 1000   size of the measured Entra sync
 *   --rate 25                 requests a second while a cycle runs (Entra's pace)
 *   --template cdk.out/ScimServerless.template.json   read this template instead of synthesizing
 *   --out bench-results/cost.json
 */
import { parseArgs } from 'node:util';
import { routes } from '../functions/routes';
import { wholeNumber, writeReport } from './bench/script-options';
import { table } from './bench/stats';
import { PRICES, PRICES_AS_OF } from './cost/prices';
import { loadTemplate, passesFilters, templateSettings, type TemplateSettings } from './cost/template-settings';
import { measureWorkload, type PhaseUse } from './cost/workload';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    groups: { type: 'string', default: '10' },
    memberships: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '25' },
    template: { type: 'string' },
    out: { type: 'string', default: 'bench-results/cost.json' },
  },
});

/**
 * Requests a second while a cycle runs (`--rate`, default Entra's pace, 25): sets X-Ray's sampled
 * share, how many stream records share a batch and how often the authorizer's cache expires.
 */
const SYNC_RATE = Number(values.rate);
if (!(SYNC_RATE > 0)) throw new Error('--rate must be a positive number of requests a second');
/** Lambda's START, END and REPORT lines per invocation (text format, with the X-Ray line): bytes. */
const PLATFORM_LOG_BYTES = 350;
/** The authorizer's duration when API Gateway's cache misses (docs/capacity.md: ~20 ms); billed ms. */
const AUTHORIZER_MS = 20;
/** The push delivery function's scheduled pass with no push stream due (one Query): billed ms. */
const SCHEDULED_PASS_MS = 50;
/** Lambda polls a shard about four times a second: the most batches a consumer gets a second. */
const POLLS_PER_SECOND = 4;

interface Row {
  part: string;
  basis: string;
  usd: number;
}

/** X-Ray's default rule: the first request each second and 5% of the rest, per function. */
const sampledShare = (perSecond: number) => (perSecond <= 1 ? 1 : (1 + 0.05 * (perSecond - 1)) / perSecond);

const round = (usd: number) => Math.round(usd * 1000) / 1000;

function lambdaCost(settings: TemplateSettings, name: string, invocations: number, billedMsEach: number): number {
  const fn = [...settings.functions.values()].find((f) => f.name === name);
  if (!fn) throw new Error(`the template has no function "${name}"`);
  const gbSeconds = invocations * (billedMsEach / 1000) * (fn.memoryMb / 1024);
  return invocations * PRICES.lambdaRequest.usd + gbSeconds * (fn.arm64 ? PRICES.lambdaArmGbSecond : PRICES.lambdaX86GbSecond).usd;
}

const memoryOf = (settings: TemplateSettings, name: string) => [...settings.functions.values()].find((f) => f.name === name)?.memoryMb ?? 0;

/** Access log line as the stage's format writes it: placeholders filled with ~16 characters each. */
const accessLogBytes = (format: string) => format.replace(/\$context\.[A-Za-z.]+/g, 'x'.repeat(16)).length + 1;

function perMillion(settings: TemplateSettings, use: PhaseUse): Row[] {
  const scale = 1_000_000 / use.requests;
  const rows: Row[] = [{ part: 'API Gateway REST', basis: '1 request', usd: PRICES.apiRequest.usd * 1e6 }];
  if (settings.wafAcls > 0) rows.push({ part: 'WAF', basis: '1 inspection', usd: PRICES.wafRequest.usd * 1e6 });
  let invocations = 0;
  let traces = 0;
  /** Every traced invocation (under 1 request a second per function the default rule samples all). */
  let tracedInvocations = 0;
  for (const [name, { count, ms }] of use.invocations) {
    const billed = Math.ceil(ms / count);
    const perRequest = count / use.requests;
    rows.push({
      part: `Lambda ${name} (${memoryOf(settings, name)} MB)`,
      basis: `${round(perRequest)} invocations/request × ${billed} ms`,
      usd: lambdaCost(settings, name, count * scale, billed),
    });
    invocations += count * scale;
    traces += count * scale * sampledShare(SYNC_RATE * perRequest);
    tracedInvocations += count * scale;
  }
  // API Gateway caches the authorizer's answer: one invocation per token per cache period, i.e. per cycle.
  const authorizerCalls = 1e6 / (SYNC_RATE * settings.authorizerCacheSeconds);
  rows.push({
    part: `Lambda authorizer (${memoryOf(settings, 'authorizer')} MB)`,
    basis: `1 per token per ${settings.authorizerCacheSeconds} s cache at ${SYNC_RATE} req/s × ${AUTHORIZER_MS} ms`,
    usd: lambdaCost(settings, 'authorizer', authorizerCalls, AUTHORIZER_MS),
  });
  invocations += authorizerCalls;
  traces += authorizerCalls;
  tracedInvocations += authorizerCalls;
  for (const consumer of settings.consumers) {
    const local = use.streamFunctions.get(consumer.function);
    const passing = (local?.records ?? []).filter((r) => passesFilters(r, consumer.filters)).length;
    if (passing === 0) {
      rows.push({ part: `stream ${consumer.function}`, basis: 'no record passes its filter', usd: 0 });
      continue;
    }
    const perRequest = passing / use.requests;
    // At most POLLS_PER_SECOND batches a second; fewer records than that: one batch each.
    const batchesPerRecord = Math.min(1, POLLS_PER_SECOND / (SYNC_RATE * perRequest));
    const invocationsPerMillion = perRequest * batchesPerRecord * 1e6;
    // The measured time per record (batches as the local poller formed them, every record it was given counted), times the records of a batch.
    const billed = Math.max(1, Math.ceil(((local?.ms ?? 0) / passing) * (1 / batchesPerRecord)));
    rows.push({
      part: `stream ${consumer.function} (${memoryOf(settings, consumer.function)} MB)`,
      basis: `${round(perRequest)} records/request in ${round(perRequest * batchesPerRecord)} batches × ${billed} ms`,
      usd: lambdaCost(settings, consumer.function, invocationsPerMillion, billed),
    });
    invocations += invocationsPerMillion;
    const batchesPerSecond = SYNC_RATE * perRequest * batchesPerRecord;
    traces += invocationsPerMillion * sampledShare(batchesPerSecond);
    tracedInvocations += invocationsPerMillion;
  }
  const units = { rcu: use.requestPath.rcu + use.streams.rcu, wcu: use.requestPath.wcu + use.streams.wcu };
  rows.push({
    part: 'DynamoDB on-demand',
    basis: `${round(use.requestPath.rcu / use.requests)} RRU + ${round(use.requestPath.wcu / use.requests)} WRU on the path, ${round(use.streams.rcu / use.requests)} RRU + ${round(use.streams.wcu / use.requests)} WRU by consumers`,
    usd: (units.rcu * PRICES.dynamoRead.usd + units.wcu * PRICES.dynamoWrite.usd) * scale,
  });
  const logGb = (use.logBytes * scale + invocations * PLATFORM_LOG_BYTES + 1e6 * accessLogBytes(settings.accessLogFormat)) / 1e9;
  rows.push({
    part: 'CloudWatch Logs',
    basis: `${Math.round(use.logBytes / use.requests)} B handler + ${PLATFORM_LOG_BYTES} B/invocation + ${accessLogBytes(settings.accessLogFormat)} B access log; kept ${settings.logRetentionDays} d`,
    usd: logGb * (PRICES.logIngestGb.usd + PRICES.logStoreGbMonth.usd * (settings.logRetentionDays / 30.4)),
  });
  const tracedAny = [...settings.functions.values()].some((f) => f.traced);
  if (tracedAny)
    rows.push({
      part: 'X-Ray',
      basis: `${round(traces / 1e6)} traces/request (default rule: 1/s + 5% per function, at ${SYNC_RATE} req/s; all ${round(tracedInvocations / 1e6)} below 1/s)`,
      usd: traces * PRICES.xrayTrace.usd,
    });
  rows.push({
    part: 'EventBridge',
    basis: `${round(use.events / use.requests)} change events/request`,
    usd: use.events * scale * PRICES.eventBridgeEvent.usd,
  });
  return rows;
}

function floor(settings: TemplateSettings): Row[] {
  const operations = routes.reduce((sum, route) => sum + route.methods.length, 0);
  const rows: Row[] = [
    {
      part: 'KMS keys',
      basis: `${settings.kmsKeys} keys (${settings.kmsRotatingKeys} rotating: +$1 per rotation kept)`,
      usd: settings.kmsKeys * PRICES.kmsKeyMonth.usd,
    },
    { part: 'CloudWatch alarms', basis: `${settings.alarms} standard alarms`, usd: settings.alarms * PRICES.alarmMonth.usd },
    {
      part: 'CloudWatch dashboard',
      basis: `${settings.dashboards} (free if the account has fewer than 3)`,
      usd: settings.dashboards * PRICES.dashboardMonth.usd,
    },
    {
      part: 'Custom metrics',
      basis: `${settings.metricFilters} metric filters + up to ${operations} operations × 2xx/4xx × 2 EMF metrics`,
      usd: (settings.metricFilters + operations * 2 * 2) * PRICES.customMetricMonth.usd,
    },
  ];
  for (const [name, count] of settings.scheduled)
    rows.push({
      part: `Lambda ${name} schedule`,
      basis: `${Math.round(count)} passes × ${SCHEDULED_PASS_MS} ms`,
      usd: lambdaCost(settings, name, count, SCHEDULED_PASS_MS),
    });
  if (settings.wafAcls > 0)
    rows.push({
      part: 'WAF',
      basis: `${settings.wafAcls} web ACL, ${settings.wafRules} rules`,
      usd: settings.wafAcls * PRICES.wafAclMonth.usd + settings.wafRules * PRICES.wafRuleMonth.usd,
    });
  return rows;
}

const printable = (rows: Row[]) => {
  const total = rows.reduce((sum, r) => sum + r.usd, 0);
  return [...rows.map((r) => ({ ...r, usd: round(r.usd) })), { part: 'Total', basis: '', usd: round(total) }];
};

const size = (name: 'users' | 'groups' | 'memberships') => wholeNumber(values, name, 1);

const settings = templateSettings(await loadTemplate(values.template));
if (!settings.onDemandTable) console.log('note: the table is not on-demand; the DynamoDB rows assume on-demand prices');
const phases = await measureWorkload({ users: size('users'), groups: size('groups'), memberships: size('memberships') });
console.log(`prices: ${PRICES_AS_OF} (scripts/cost/prices.ts)`);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  prices: PRICES,
  settings: { ...settings, functions: [...settings.functions.values()], scheduled: [...settings.scheduled] },
};
for (const phase of phases) {
  const rows = printable(perMillion(settings, phase));
  console.log(
    `\nPer million requests, ${phase.phase} (measured: ${phase.requests} requests, ${phase.events} change events)\n${table(rows as unknown as Record<string, string | number>[])}`,
  );
  report[phase.phase] = rows;
}
const fixed = printable(floor(settings));
console.log(`\nFixed monthly floor (no requests)\n${table(fixed as unknown as Record<string, string | number>[])}`);
report.floor = fixed;
await writeReport(String(values.out), report);
