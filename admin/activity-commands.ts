/**
 * `scim-admin activity` and `scim-admin health`: a tenant's activity log and connection health as
 * readable lines (or JSON with --json), through the activity service (functions/activity/).
 */
import type { ActivityRecord } from '../functions/activity/activity-record';
import { tenantActivity, tenantHealth, type TenantHealth } from '../functions/activity/activity-service';
import { serviceCall, tenantFlagOf, usageError } from './cli-errors';
import type { Connection } from './connection';

export interface ActivityFlags {
  readonly tenant?: string;
  readonly user?: string;
  readonly since?: string;
  readonly failures?: boolean;
  readonly limit?: string;
  readonly json?: boolean;
}

interface Io {
  out(line: string): void;
}

type Command = (connection: Connection, args: string[], flags: ActivityFlags, io: Io) => Promise<void>;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `30m`, `7d`, or an ISO date: epoch ms. */
export function sinceOf(value: string, now = Date.now()): number {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] ?? 'h'] ?? 0);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw usageError('--since takes 30m, 24h, 7d or a date (2026-12-01T00:00:00Z)');
  return at;
}

/** A user id looks like a UUID; anything else is a userName. */
const isId = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** One line per record: time, operation, outcome and status, reason, resource, changed attributes, credential, client. */
export function activityLine(record: ActivityRecord): string {
  const resource = record.resourceType
    ? `${record.resourceType} ${record.identifier ?? ''}${record.resourceId ? ` (${record.resourceId})` : ''}`.trim()
    : '';
  const member = record.memberId ? `member ${record.memberId}` : '';
  return [
    new Date(record.at).toISOString(),
    record.operation,
    `${record.outcome} ${record.status}`,
    record.reason ?? '',
    [resource, member].filter(Boolean).join(' '),
    record.changed && record.changed.length > 0 ? `changed: ${record.changed.join(', ')}` : '',
    record.credentialId ? `by ${record.credentialId}` : '',
    record.client ?? '',
    record.bulk ? 'bulk' : '',
  ].join('\t');
}

function healthLines(health: TenantHealth): string[] {
  const window = (w: TenantHealth['lastHour']) => `${w.requests} (2xx ${w['2xx']}, 4xx ${w['4xx']}, 5xx ${w['5xx']}, 429 ${w['429']})`;
  return [
    `tenant ${health.tenantId}: ${health.verdict}`,
    `last hour: ${window(health.lastHour)}`,
    `last day:  ${window(health.lastDay)}`,
    `last write: ${health.lastWriteAt ?? 'never'}`,
    `last 429:   ${health.last429At ?? 'never'}`,
    ...health.credentials.map(
      (c) =>
        `credential ${c.credentialId}: last success ${c.lastSuccessAt ? `${c.lastSuccessAt} (${c.lastSuccessOperation})` : 'never'}; ` +
        `last refusal ${c.lastRefusalAt ? `${c.lastRefusalAt} ${c.lastRefusalReason} (${c.lastRefusalStatus})` : 'never'}`,
    ),
  ];
}

export const activityCommands: Record<string, Command> = {
  activity: async ({ db }, _args, flags, io) => {
    const limit = flags.limit === undefined ? 100 : Number(flags.limit);
    const user = flags.user;
    const result = await serviceCall(() =>
      tenantActivity(db, tenantFlagOf(flags), {
        limit,
        ...(user !== undefined ? (isId(user) ? { resourceId: user } : { userName: user }) : {}),
        ...(flags.since !== undefined ? { since: sinceOf(flags.since) } : {}),
        ...(flags.failures ? { outcome: 'failure' } : {}),
      }),
    );
    if (flags.json) return io.out(JSON.stringify(result, null, 2));
    // Oldest first reads like a story; the service pages newest first.
    for (const record of [...result.records].reverse()) io.out(activityLine(record));
    if (result.nextCursor) io.out(`(older records exist: narrow with --since or raise --limit)`);
  },
  health: async ({ db }, _args, flags, io) => {
    const health = await serviceCall(() => tenantHealth(db, tenantFlagOf(flags)));
    if (flags.json) return io.out(JSON.stringify(health, null, 2));
    healthLines(health).forEach((line) => io.out(line));
  },
};
