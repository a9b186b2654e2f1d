/**
 * `/admin/v1/tenants/{tenantId}/activity` and `/health`: a tenant's activity log and connection
 * health (docs/activity.md). Thin: read the query, call the activity service, answer.
 */
import * as z from 'zod/mini';
import { MAX_ACTIVITY_LIMIT, tenantActivity, tenantHealth } from '../activity/activity-service';
import { InvalidInput } from '../commons/service-errors';
import { json, operation, type AdminOperation } from './operation';

const TAG = 'Activity';

const activityRecord = z.object({
  at: z.number(),
  operation: z.string(),
  route: z.optional(z.string()),
  resourceType: z.optional(z.enum(['User', 'Group'])),
  resourceId: z.optional(z.string()),
  identifier: z.optional(z.string()),
  memberId: z.optional(z.string()),
  changed: z.optional(z.array(z.string())),
  status: z.number(),
  outcome: z.enum(['success', 'failure']),
  scimType: z.optional(z.string()),
  reason: z.optional(z.string()),
  credentialId: z.optional(z.string()),
  requestId: z.optional(z.string()),
  client: z.optional(z.enum(['entra', 'okta', 'other'])),
  bulk: z.optional(z.boolean()),
  memberCount: z.optional(z.number()),
});

const activityPage = z.object({ records: z.array(activityRecord), nextCursor: z.optional(z.string()) });

const counts = z.object({ requests: z.number(), '2xx': z.number(), '4xx': z.number(), '5xx': z.number(), '429': z.number() });

const healthView = z.object({
  tenantId: z.string(),
  verdict: z.enum(['never_called', 'refused', 'throttled', 'failing', 'working', 'idle']),
  credentials: z.array(
    z.object({
      credentialId: z.string(),
      lastSuccessAt: z.optional(z.string()),
      lastSuccessOperation: z.optional(z.string()),
      lastRefusalAt: z.optional(z.string()),
      lastRefusalReason: z.optional(z.string()),
      lastRefusalStatus: z.optional(z.number()),
    }),
  ),
  lastHour: counts,
  lastDay: counts,
  lastWriteAt: z.optional(z.string()),
  last429At: z.optional(z.string()),
  lastRequestAt: z.optional(z.string()),
});

/** An ISO date or epoch milliseconds. */
function timeOf(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const at = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(at)) throw new InvalidInput([{ path: name, message: 'an ISO 8601 date or epoch milliseconds' }]);
  return at;
}

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new InvalidInput([{ path: 'limit', message: `an integer from 1 to ${MAX_ACTIVITY_LIMIT}` }]);
  return Number(raw);
}

const text = (name: string, description: string) => ({ name, description, schema: { type: 'string' } });

export const activityRoutes: readonly AdminOperation[] = [
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}/activity',
    operationId: 'listTenantActivity',
    summary: "The tenant's activity records, newest first (a user's history with resourceId or userName).",
    tag: TAG,
    query: [
      text('resourceId', 'Only this resource (a user also shows the group changes that added or removed it).'),
      text('userName', 'Only the users this userName has named (also deleted or renamed ones).'),
      text('outcome', 'success or failure.'),
      text('reason', 'Only this reason code (docs/activity.md).'),
      text('since', 'From this time: ISO 8601 or epoch ms.'),
      text('until', 'Until this time: ISO 8601 or epoch ms.'),
      {
        name: 'limit',
        description: `Records per page, 1-${MAX_ACTIVITY_LIMIT} (default 50).`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_ACTIVITY_LIMIT },
      },
      text('cursor', "The previous page's nextCursor."),
    ],
    responses: { 200: { description: 'A page of records; nextCursor is absent when there are no older ones.', body: activityPage } },
    problems: ['not-found', 'invalid-input', 'invalid-cursor'],
    handle: async ({ db, params, query }) => {
      const since = timeOf('since', query.since);
      const until = timeOf('until', query.until);
      const limit = limitOf(query.limit);
      const page = await tenantActivity(db, params.tenantId ?? '', {
        ...(query.resourceId ? { resourceId: query.resourceId } : {}),
        ...(query.userName ? { userName: query.userName } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.reason ? { reason: query.reason } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return json(200, page);
    },
  }),
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}/health',
    operationId: 'getTenantHealth',
    summary: 'Connection health: a verdict, per credential the last success and refusal, counts over the last hour and day.',
    tag: TAG,
    responses: { 200: { description: "The tenant's connection health.", body: healthView } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, await tenantHealth(db, params.tenantId ?? '')),
  }),
];
