/**
 * The HTTP face of a resource type (RFC 7644 §3.3-§3.6): status codes, Location and ETag headers,
 * conditional requests, attribute projection. Users and Groups share it; what differs lives in
 * their ResourceService.
 */
import { projectResource } from '../scim/projection';
import { listResponse } from '../scim/list';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { defaultDb } from '../store/db';
import type { TenantContext } from '../provisioning/context';
import { parseListParams, parseSelection, searchBodyParams, type RawParams, type Selection } from '../provisioning/list-params';
import { runQuery } from '../provisioning/query';
import { etagOf, locationOf, notModified } from '../provisioning/representation';
import type { Presented, ResourceService } from '../provisioning/resource-service';
import { loadOrNotFound } from '../provisioning/versioned';
import type { RouteTable } from './handler';
import type { ScimRequest } from './request';
import type { ScimResult } from './response';

/** API Gateway gives up at 29 s; membership clean-up in a request stops well before. */
const REQUEST_BUDGET_MS = 20_000;

export function tenantContext(request: ScimRequest): TenantContext {
  return {
    db: request.db ?? defaultDb(),
    tenantId: request.tenantId,
    profile: request.profile,
    baseUrl: request.baseUrl,
    deadline: Date.now() + REQUEST_BUDGET_MS,
  };
}

export function resourceRoutes(service: ResourceService): RouteTable {
  const endpoint = service.type === 'User' ? '/Users' : '/Groups';
  return {
    [`POST ${endpoint}`]: (request) => create(service, request),
    [`GET ${endpoint}`]: (request) => list(service, request, request.query),
    [`POST ${endpoint}/.search`]: (request) => list(service, request, searchBodyParams(request.body)),
    [`GET ${endpoint}/{id}`]: (request) => read(service, request),
    [`PUT ${endpoint}/{id}`]: (request) => write(service, request, 'replace'),
    [`PATCH ${endpoint}/{id}`]: (request) => write(service, request, 'patch'),
    [`DELETE ${endpoint}/{id}`]: (request) => remove(service, request),
  };
}

async function create(service: ResourceService, request: ScimRequest): Promise<ScimResult> {
  const selection = parseSelection(request.profile, service.type, request.query);
  const created = await service.create(tenantContext(request), request.body, withMemberships(service.type, selection));
  return resourceResult(request, service.type, created, selection, 201, {
    Location: locationOf(request.baseUrl, service.type, created.stored.id),
  });
}

async function read(service: ResourceService, request: ScimRequest): Promise<ScimResult> {
  const selection = parseSelection(request.profile, service.type, request.query);
  const ctx = tenantContext(request);
  const id = requireId(request);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Answered from the item alone: no membership reads for an unchanged resource.
    const stored = await loadOrNotFound(ctx, service.type, id);
    if (notModified(ifNoneMatch, stored)) return { status: 304, headers: { ETag: etagOf(stored.version) } };
  }
  const found = await service.get(ctx, id, withMemberships(service.type, selection));
  return resourceResult(request, service.type, found, selection, 200);
}

async function write(service: ResourceService, request: ScimRequest, kind: 'replace' | 'patch'): Promise<ScimResult> {
  const selection = parseSelection(request.profile, service.type, request.query);
  const ctx = tenantContext(request);
  const id = requireId(request);
  const ifMatch = request.headers['if-match'];
  // A group PATCH answers 204 unless the client asks for attributes (RFC 7644 §3.5.2 allows it; identity providers expect it).
  const silent = kind === 'patch' && service.type === 'Group' && !selection.attributes && !selection.excludedAttributes;
  const wants = !silent && withMemberships(service.type, selection);
  const written =
    kind === 'replace'
      ? await service.replace(ctx, id, request.body, ifMatch, wants)
      : await service.patch(ctx, id, request.body, ifMatch, wants);
  if (silent) return { status: 204, headers: { ETag: etagOf(written.stored.version) } };
  return resourceResult(request, service.type, written, selection, 200);
}

async function remove(service: ResourceService, request: ScimRequest): Promise<ScimResult> {
  await service.remove(tenantContext(request), requireId(request), request.headers['if-match']);
  return { status: 204 };
}

async function list(service: ResourceService, request: ScimRequest, raw: RawParams): Promise<ScimResult> {
  const params = parseListParams(request.profile, service.type, raw);
  const ctx = tenantContext(request);
  const result = await runQuery(ctx, service.type, params);
  const resources = await service.present(ctx, result.matches, withMemberships(service.type, params.selection));
  return {
    status: 200,
    body: listResponse({
      resources: resources.map((resource) => projectResource(request.profile, service.type, resource, params.selection)),
      ...(result.totalResults !== undefined ? { totalResults: result.totalResults } : {}),
      itemsPerPage: resources.length,
      ...(result.startIndex !== undefined ? { startIndex: result.startIndex } : {}),
      ...(result.nextCursor !== undefined ? { nextCursor: result.nextCursor } : {}),
    }),
  };
}

function resourceResult(
  request: ScimRequest,
  type: ResourceTypeName,
  presented: Presented,
  selection: Selection,
  status: number,
  headers: Record<string, string> = {},
): ScimResult {
  const body: ScimResource = projectResource(request.profile, type, presented.resource, selection);
  return { status, body, headers: { ...headers, ETag: etagOf(presented.stored.version) } };
}

/**
 * Whether the response needs the membership attribute: User `groups` is returned on request only;
 * Group `members` by default, so `excludedAttributes=members` (how identity providers read groups) reads no membership items.
 */
export function withMemberships(type: ResourceTypeName, selection: Selection): boolean {
  const named = (list: Selection['attributes'], name: string) =>
    list?.some((attribute) => attribute.isCore && attribute.definition.name === name) ?? false;
  if (type === 'User') return named(selection.attributes, 'groups');
  if (named(selection.excludedAttributes, 'members')) return false;
  return !selection.attributes || named(selection.attributes, 'members');
}

function requireId(request: ScimRequest): string {
  if (!request.id) throw new Error('route without {id}');
  return request.id;
}
