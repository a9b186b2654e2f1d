/**
 * The CDK app's context values (`npx cdk deploy -c domainName=... -c alarmEmail=...`) as
 * ScimEndpoint props, so a vendor deploys the operations options without writing code. Each key is
 * documented in docs/construct.md; a malformed value fails synthesis with its name.
 */
import { Duration } from 'aws-cdk-lib';
import type { ScimEndpointProps } from './scim-endpoint';

/** The context keys bin/app.ts reads besides tenantsFile and stackName. */
export const CONTEXT_KEYS = [
  'domainName',
  'certificateArn',
  'hostedZoneId',
  'hostedZoneName',
  'disableExecuteApiEndpoint',
  'alarmEmail',
  'alarmTopicArn',
  'dashboard',
  'backup',
  'backupRetentionDays',
  'backupCopyVaultArn',
  'existingTableName',
  'existingTableStreamArn',
  'apiGatewayAccountLogging',
  'sdkTracing',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

type Lookup = (key: ContextKey) => unknown;

const text = (get: Lookup, key: ContextKey): string | undefined => {
  const value = get(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

function flag(get: Lookup, key: ContextKey): boolean | undefined {
  const value = text(get, key);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`-c ${key} must be true or false, got "${value}"`);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function endpointPropsFromContext(get: Lookup): ScimEndpointProps {
  const domainName = text(get, 'domainName');
  const alarmEmail = text(get, 'alarmEmail');
  if (alarmEmail && !EMAIL.test(alarmEmail)) throw new Error(`-c alarmEmail "${alarmEmail}" is not an email address`);
  const alarmTopicArn = text(get, 'alarmTopicArn');
  const retentionDays = text(get, 'backupRetentionDays');
  if (retentionDays !== undefined && !/^[1-9]\d*$/.test(retentionDays)) throw new Error(`-c backupRetentionDays must be a number of days`);
  const copyVault = text(get, 'backupCopyVaultArn');
  const backup = flag(get, 'backup') ?? (copyVault !== undefined || retentionDays !== undefined);
  const tableName = text(get, 'existingTableName');
  const tableStreamArn = text(get, 'existingTableStreamArn');
  if (Boolean(tableName) !== Boolean(tableStreamArn)) throw new Error('-c existingTableName and -c existingTableStreamArn go together');
  const optional = <T, R extends object>(value: T | undefined, make: (v: T) => R): R | Record<never, never> =>
    value === undefined ? {} : make(value);
  return {
    ...optional(domainName, (name) => ({
      customDomain: {
        domainName: name,
        ...optional(text(get, 'certificateArn'), (certificateArn) => ({ certificateArn })),
        ...optional(text(get, 'hostedZoneId'), (hostedZoneId) => ({ hostedZoneId })),
        ...optional(text(get, 'hostedZoneName'), (hostedZoneName) => ({ hostedZoneName })),
        ...optional(flag(get, 'disableExecuteApiEndpoint'), (disableExecuteApiEndpoint) => ({ disableExecuteApiEndpoint })),
      },
    })),
    ...(alarmEmail || alarmTopicArn
      ? { alarms: { ...(alarmEmail ? { alarmEmail } : {}), ...(alarmTopicArn ? { alarmTopicArn } : {}) } }
      : {}),
    ...optional(flag(get, 'dashboard'), (dashboard) => ({ dashboard })),
    ...(backup
      ? {
          backup: {
            ...optional(retentionDays, (days) => ({ retention: Duration.days(Number(days)) })),
            ...optional(copyVault, (vaultArn) => ({ copyTo: { vaultArn } })),
          },
        }
      : {}),
    ...(tableName && tableStreamArn ? { existingTable: { tableName, tableStreamArn } } : {}),
    ...optional(flag(get, 'apiGatewayAccountLogging'), (apiGatewayAccountLogging) => ({ apiGatewayAccountLogging })),
    ...optional(flag(get, 'sdkTracing'), (sdkTracing) => ({ sdkTracing })),
  };
}
