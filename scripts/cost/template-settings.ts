/**
 * What the synthesized CloudFormation template says that costs money (issue #26): each function's
 * memory, architecture and tracing, the log retention, the stream consumers with their filters, the
 * scheduled invocations, the KMS keys, alarms, dashboards, metric filters and WAF. The cost table
 * (scripts/cost.ts) reads these instead of restating them, so a change to the construct changes the
 * figures. Reads a template file (`--template cdk.out/<stack>.template.json`) or synthesizes the
 * app's stack in-process (bundling skipped: the code's size costs nothing).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadTenantsFile } from '../../functions/tenants/tenants-file';
import { ScimStack } from '../../lib/scim-stack';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
type Resources = Record<string, Resource>;

export interface FunctionSettings {
  /** The construct's name for it (`users`, `authorizer`, `recorder`, ...). */
  readonly name: string;
  readonly memoryMb: number;
  readonly arm64: boolean;
  readonly traced: boolean;
}

export interface ConsumerSettings {
  readonly function: string;
  readonly batchSize: number;
  /** Lambda event filter patterns; empty: every record. */
  readonly filters: readonly Record<string, unknown>[];
}

export interface TemplateSettings {
  readonly functions: ReadonlyMap<string, FunctionSettings>;
  readonly consumers: readonly ConsumerSettings[];
  /** Function name → invocations a month by schedule rules. */
  readonly scheduled: ReadonlyMap<string, number>;
  readonly logRetentionDays: number;
  readonly accessLogFormat: string;
  readonly apiTracing: boolean;
  readonly authorizerCacheSeconds: number;
  readonly onDemandTable: boolean;
  readonly kmsKeys: number;
  readonly kmsRotatingKeys: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly metricFilters: number;
  readonly wafAcls: number;
  readonly wafRules: number;
}

const MINUTES_A_MONTH = 730 * 60;

/** `Scim<name>Function<hash>` → `<name>` (lib/scim-endpoint.ts names every function that way). */
const functionNameOf = (logicalId: string): string => /^Scim([a-z]+)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;

const refOf = (value: unknown): string | undefined => {
  if (value && typeof value === 'object') {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    return v.Ref ?? v['Fn::GetAtt']?.[0];
  }
  return undefined;
};

function perMonth(schedule: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!rate) return 0;
  const every = Number(rate[1]) * (rate[2]?.startsWith('minute') ? 1 : rate[2]?.startsWith('hour') ? 60 : 1440);
  return MINUTES_A_MONTH / every;
}

export function templateSettings(template: { Resources: Resources }): TemplateSettings {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const functions = new Map<string, FunctionSettings>();
  for (const [id, r] of ofType('AWS::Lambda::Function')) {
    const p = r.Properties ?? {};
    functions.set(id, {
      name: functionNameOf(id),
      memoryMb: Number(p.MemorySize ?? 128),
      arm64: Array.isArray(p.Architectures) && p.Architectures.includes('arm64'),
      traced: (p.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active',
    });
  }
  const nameOf = (value: unknown) => functions.get(refOf(value) ?? '')?.name ?? String(refOf(value));
  const consumers = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => {
    const p = r.Properties ?? {};
    const filters = ((p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map(
      (f) => JSON.parse(f.Pattern) as Record<string, unknown>,
    );
    return { function: nameOf(p.FunctionName), batchSize: Number(p.BatchSize ?? 100), filters };
  });
  const scheduled = new Map<string, number>();
  for (const [, r] of ofType('AWS::Events::Rule')) {
    const p = r.Properties ?? {};
    if (typeof p.ScheduleExpression !== 'string') continue;
    for (const target of (p.Targets as { Arn: unknown }[] | undefined) ?? [])
      scheduled.set(nameOf(target.Arn), (scheduled.get(nameOf(target.Arn)) ?? 0) + perMonth(p.ScheduleExpression));
  }
  const retention = ofType('AWS::Logs::LogGroup').map(([, r]) => Number(r.Properties?.RetentionInDays ?? 3653));
  const stage = ofType('AWS::ApiGateway::Stage')[0]?.[1].Properties ?? {};
  const authorizer = ofType('AWS::ApiGateway::Authorizer')[0]?.[1].Properties ?? {};
  const table = ofType('AWS::DynamoDB::Table')[0]?.[1].Properties ?? {};
  const keys = ofType('AWS::KMS::Key');
  const acls = ofType('AWS::WAFv2::WebACL');
  return {
    functions,
    consumers,
    scheduled,
    logRetentionDays: Math.max(...retention),
    accessLogFormat: String((stage.AccessLogSetting as { Format?: string } | undefined)?.Format ?? ''),
    apiTracing: stage.TracingEnabled === true,
    authorizerCacheSeconds: Number(authorizer.AuthorizerResultTtlInSeconds ?? 300),
    onDemandTable: table.BillingMode === 'PAY_PER_REQUEST',
    kmsKeys: keys.length,
    kmsRotatingKeys: keys.filter(([, r]) => r.Properties?.EnableKeyRotation === true).length,
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    metricFilters: ofType('AWS::Logs::MetricFilter').length,
    wafAcls: acls.length,
    wafRules: acls.reduce((sum, [, r]) => sum + ((r.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
  };
}

/** Does a stream record pass one of the consumer's filters (the subset of the pattern syntax the template uses)? */
export function passesFilters(record: unknown, filters: readonly Record<string, unknown>[]): boolean {
  const matches = (value: unknown, pattern: unknown): boolean => {
    if (Array.isArray(pattern)) return pattern.includes(value);
    if (pattern && typeof pattern === 'object') {
      if (!value || typeof value !== 'object') return false;
      return Object.entries(pattern).every(([key, sub]) => matches((value as Record<string, unknown>)[key], sub));
    }
    return false;
  };
  return filters.length === 0 || filters.some((filter) => matches(record, filter));
}

/** The template: a file, or the app's stack (tenants.json, no context options) synthesized here. */
export async function loadTemplate(file: string | undefined): Promise<{ Resources: Resources }> {
  if (file) return JSON.parse(await readFile(resolve(file), 'utf8')) as { Resources: Resources };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ScimStack(app, 'ScimServerless', { tenants: loadTenantsFile(resolve('tenants.json')) });
  return Template.fromStack(stack).toJSON() as { Resources: Resources };
}
