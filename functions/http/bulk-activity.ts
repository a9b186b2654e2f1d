/**
 * A POST /Bulk's failed operations in the activity log (issue #25, docs/activity.md). The request
 * itself answers 200, so the handler's activity middleware (activity-log.ts) records nothing for it;
 * each operation that failed gets a record of its own — route, resource, status, scimType, reason,
 * the credential and request, `bulk: true` — as a failed request would. Successful operations are
 * recorded from the table's stream, as every write. One BatchWriteItem per 25 failures, after the
 * operations ran; nothing when none failed.
 */
import { activitySettingsOf, operationOfRoute, resourceTypeOfRoute, type ActivityRecord } from '../activity/activity-record';
import { recordDirectMany } from '../activity/direct-records';
import { reasonOfStatus } from '../activity/reason-codes';
import { isObject } from '../commons/json';
import { currentScope } from '../commons/request-scope';
import type { Db } from '../store/db';
import { identifierOf } from './activity-log';
import { cachedSettings } from './profile-cache';

export interface FailedOperation {
  /** `METHOD /Route` when the path names one (`PATCH /Users/{id}`), else `POST /Bulk`. */
  readonly route: string;
  readonly id: string | undefined;
  readonly status: number;
  /** The operation's SCIM error body. */
  readonly response: unknown;
  readonly data: unknown;
}

export async function recordFailedOperations(db: Db, tenantId: string, failures: readonly FailedOperation[]): Promise<void> {
  const scope = currentScope();
  if (failures.length === 0 || !scope) return;
  const settings = activitySettingsOf(cachedSettings(tenantId));
  const at = Date.now();
  const records = failures.map((failure): ActivityRecord => {
    const type = resourceTypeOfRoute(failure.route);
    const scimType = isObject(failure.response) && typeof failure.response.scimType === 'string' ? failure.response.scimType : undefined;
    const identifier = identifierOf(failure.data, type, tenantId, settings.hashUserName);
    return {
      at,
      operation: operationOfRoute(failure.route),
      route: failure.route,
      ...(type ? { resourceType: type } : {}),
      ...(failure.id ? { resourceId: failure.id } : {}),
      ...(identifier !== undefined ? { identifier } : {}),
      status: failure.status,
      outcome: 'failure',
      ...(scimType ? { scimType } : {}),
      reason: reasonOfStatus(failure.status, scimType),
      credentialId: scope.credentialId,
      requestId: scope.requestId,
      client: scope.client,
      bulk: true,
    };
  });
  await recordDirectMany(db, tenantId, records, settings);
}
