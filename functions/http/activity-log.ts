/**
 * The SCIM handler's side of the activity log: every request runs in a request scope (who, which
 * request, which client: the store stamps written items with it, commons/request-scope.ts), and a
 * request that fails (4xx/5xx) is recorded with ONE write in the tenant whose URL was called. A
 * successful request costs no DynamoDB call here: writes are recorded from the stream, reads only
 * when the tenant samples them (tenant setting `activity.readSampleRate`).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { activitySettingsOf, operationOfRoute, resourceTypeOfRoute, type ActivityRecord } from '../activity/activity-record';
import { recordDirect } from '../activity/direct-records';
import { hashedName } from '../commons/user-name-hash';
import { reasonOfStatus, type ReasonCode } from '../activity/reason-codes';
import { clientClassOf, type RequestScope } from '../commons/request-scope';
import { isObject } from '../commons/json';
import { defaultDb } from '../store/db';
import { cachedSettings } from './profile-cache';
import { TenantPaused } from './request';

type Event = APIGatewayProxyEvent;

const authorizerValue = (event: Event, name: string): string | undefined => {
  const value = event.requestContext.authorizer?.[name] as unknown;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const headerOf = (event: Event, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
};

/** The request's scope; `operation` is `METHOD /Route`. */
export function scopeOf(event: Event, tenantId: string, operation: string): RequestScope {
  return {
    tenantId,
    requestId: event.requestContext.requestId,
    credentialId: authorizerValue(event, 'credentialId') ?? authorizerValue(event, 'clientId') ?? 'unknown',
    client: clientClassOf(headerOf(event, 'user-agent')),
    operation,
    // The own tenant's setting (its settings are cached by now): a delete's note then holds no userName.
    ...(authorizerValue(event, 'tenantId') === tenantId && activitySettingsOf(cachedSettings(tenantId)).hashUserName
      ? { hashUserNames: true }
      : {}),
  };
}

export function activityLog(operationOf: (event: Event) => string): MiddlewareObj<Event, APIGatewayProxyResult> {
  return {
    after: async (request) => {
      const status = request.response?.statusCode ?? 200;
      const operation = operationOf(request.event);
      if (status < 400 && operationOfRoute(operation) !== 'read') return;
      await record(request.event, operation, status, request.response?.body);
    },
    onError: async (request) => {
      const paused = request.error instanceof TenantPaused;
      await record(request.event, operationOf(request.event), request.response?.statusCode ?? 500, request.response?.body, paused);
    },
  };
}

async function record(event: Event, operation: string, status: number, body: string | undefined, paused = false): Promise<void> {
  const tenantId = event.pathParameters?.tenantId;
  if (!tenantId) return;
  const authorized = authorizerValue(event, 'tenantId');
  const own = authorized === tenantId;
  const stored = own ? cachedSettings(tenantId) : undefined;
  const settings = activitySettingsOf(stored);
  if (status < 400 && !(settings.readSampleRate > 0 && Math.random() < settings.readSampleRate)) return;
  const scope = scopeOf(event, tenantId, operation);
  const scimType = status >= 400 ? scimTypeOf(body) : undefined;
  const reason: ReasonCode | undefined = status < 400 ? undefined : own ? ownReason(status, scimType, paused) : 'credential_other_tenant';
  const type = resourceTypeOfRoute(operation);
  const identifier = identifierInBody(event, type, tenantId, settings.hashUserName);
  const entry: ActivityRecord = {
    at: Date.now(),
    operation: operationOfRoute(operation),
    route: operation,
    ...(type ? { resourceType: type } : {}),
    ...(event.pathParameters?.id ? { resourceId: event.pathParameters.id } : {}),
    ...(identifier !== undefined ? { identifier } : {}),
    status,
    outcome: status < 400 ? 'success' : 'failure',
    ...(scimType ? { scimType } : {}),
    ...(reason ? { reason } : {}),
    // Another tenant's credential is never named in this tenant's log.
    ...(own ? { credentialId: scope.credentialId } : {}),
    requestId: scope.requestId,
    client: scope.client,
  };
  await recordDirect(defaultDb(), tenantId, entry, { tenantVerified: own, settings });
}

/** A paused tenant's 503 is the vendor's decision, not an outage (`unavailable`). */
const ownReason = (status: number, scimType: string | undefined, paused: boolean): ReasonCode =>
  paused && status === 503 ? 'tenant_paused' : reasonOfStatus(status, scimType);

function scimTypeOf(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as unknown;
    return isObject(parsed) && typeof parsed.scimType === 'string' ? parsed.scimType : undefined;
  } catch {
    return undefined;
  }
}

/** A failed create names what it tried to create (userName or displayName only). */
function identifierInBody(event: Event, type: 'User' | 'Group' | undefined, tenantId: string, hash: boolean): string | undefined {
  return identifierOf(event.body as unknown, type, tenantId, hash);
}

/** userName (User) or displayName (Group) in a request body, hashed when the tenant asks. */
export function identifierOf(body: unknown, type: 'User' | 'Group' | undefined, tenantId: string, hash: boolean): string | undefined {
  if (!type || !isObject(body)) return undefined;
  const name = type === 'User' ? body.userName : body.displayName;
  if (typeof name !== 'string' || name.length > 256) return undefined;
  return type === 'User' && hash ? hashedName(tenantId, name) : name;
}
