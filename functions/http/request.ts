/**
 * Turns an API Gateway REST proxy event into the request the SCIM routes work with, and enforces
 * the tenant boundary a second time: the authorizer's tenant must be the tenant in the path.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ScimError } from '../scim/scim-error';
import type { Db } from '../store/db';
import type { ScimProfile } from '../scim/scim-profile';
import { TENANT_BASE_PATH } from '../routes';
import { defaultDb } from '../store/db';
import { tenantState } from './profile-cache';
import { PAUSED_DETAIL, PAUSED_RETRY_AFTER_SECONDS } from '../tenants/tenant-status';
import { apiBaseUrlOf } from '../commons/api-base-url';

export interface ScimRequest {
  readonly tenantId: string;
  /** The tenant's schemas, dialect and rules (cached per settings version, see tenant-profile.ts). */
  readonly profile: ScimProfile;
  readonly method: string;
  /** Route path below the tenant base, e.g. `/Users/{id}`. */
  readonly route: string;
  readonly id: string | undefined;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body on write routes; undefined otherwise. */
  readonly body: unknown;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Absolute tenant base URL (`https://host/stage/tenants/<t>/scim/v2`, or on the custom domain) for Location and meta.location. */
  readonly baseUrl: string;
  /** The table handle when not the process's default: a bulk request's operations share one that groups their writes. */
  readonly db?: Db;
}

export function routeOf(event: Pick<APIGatewayProxyEvent, 'resource'>): string {
  const prefix = TENANT_BASE_PATH;
  return event.resource.startsWith(prefix) ? event.resource.slice(prefix.length) || '/' : event.resource;
}

export function operationOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'httpMethod'>): string {
  return `${event.httpMethod} ${routeOf(event)}`;
}

/** A paused tenant's answer (503 + Retry-After); its own class so the activity record says `tenant_paused`, not an outage. */
export class TenantPaused extends ScimError {
  constructor() {
    super(503, PAUSED_DETAIL, undefined, { 'Retry-After': String(PAUSED_RETRY_AFTER_SECONDS) });
  }
}

export async function toScimRequest(event: APIGatewayProxyEvent): Promise<ScimRequest> {
  const tenantId = authorizedTenant(event);
  const headers = lowerCaseHeaders(event.headers);
  const state = await tenantState(defaultDb(), tenantId, {
    settingsVersion: settingsVersion(event),
    status: contextText(event, 'tenantStatus'),
  });
  // A paused tenant: nothing is read or changed, the client is asked to come back (503 + Retry-After).
  if (state.status === 'paused') throw new TenantPaused();
  // Disabled or being deleted since the authorizer's (cached) decision.
  if (state.status !== 'active') throw new ScimError(401, 'Authentication required.');
  return {
    tenantId,
    profile: state.profile,
    method: event.httpMethod.toUpperCase(),
    route: routeOf(event),
    id: event.pathParameters?.id,
    query: queryParameters(event),
    body: event.body as unknown,
    headers,
    baseUrl: baseUrlOf(event),
  };
}

function authorizedTenant(event: APIGatewayProxyEvent): string {
  const authorized = event.requestContext.authorizer?.tenantId as unknown;
  const inPath = event.pathParameters?.tenantId;
  if (typeof authorized !== 'string' || authorized === '') {
    throw new ScimError(401, 'Authentication required.');
  }
  if (authorized !== inPath) {
    throw new ScimError(403, 'The token is not valid for this tenant.');
  }
  return authorized;
}

/** The digest of the tenant's settings the authorizer saw (authorizer.ts); absent from older authorizers. */
const settingsVersion = (event: APIGatewayProxyEvent): string | undefined => contextText(event, 'settingsVersion');

function contextText(event: APIGatewayProxyEvent, name: string): string | undefined {
  const raw = event.requestContext.authorizer?.[name] as unknown;
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/**
 * Query parameter names are matched case-insensitively (SCIM clients differ: `startIndex`,
 * `startindex`); API Gateway has already URL-decoded the values.
 */
function queryParameters(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    query[name.toLowerCase()] = value;
  }
  return query;
}

function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers']): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

/** The tenant's base URL: the public origin (custom domain) or the host and stage called, then `/tenants/<t>/scim/v2` as in the path. */
function baseUrlOf(event: APIGatewayProxyEvent): string {
  const fullPath = event.requestContext.path ?? event.path;
  const marker = '/scim/v2';
  const start = fullPath.indexOf('/tenants/');
  const cut = fullPath.indexOf(marker, Math.max(start, 0));
  const tenantPath =
    start === -1 || cut === -1 ? `/tenants/${event.pathParameters?.tenantId ?? ''}/scim/v2` : fullPath.slice(start, cut + marker.length);
  return `${apiBaseUrlOf(event)}${tenantPath}`;
}
