/**
 * POST /.search at the service root (RFC 7644 §3.4.3): one query over Users and Groups. A filter
 * is resolved per resource type; a type whose schema lacks a filtered attribute has no matches
 * (its parse error is kept only if no type understands the filter). Results list Users, then
 * Groups, each in id order; startIndex and count apply to that combined list. Cursor paging is
 * per resource type (/Users/.search, /Groups/.search), not at the root.
 */
import { badRequest, isScimError, type ScimError } from '../scim/scim-error';
import { listResponse } from '../scim/list';
import { projectResource } from '../scim/projection';
import type { ScimResource } from '../scim/schema/types';
import { parseListParams, searchBodyParams, type ListParams } from '../provisioning/list-params';
import { runQuery } from '../provisioning/query';
import type { ResourceService } from '../provisioning/resource-service';
import { tenantContext, withMemberships } from './resource-routes';
import type { ScimRequest } from './request';
import type { ScimResult } from './response';

export function rootSearchRoute(services: readonly ResourceService[]) {
  return async (request: ScimRequest): Promise<ScimResult> => {
    const raw = searchBodyParams(request.body);
    if (raw.cursor !== undefined)
      throw badRequest('invalidValue', 'Cursor paging is offered per resource type: use /Users/.search or /Groups/.search.');
    const parsed = parsePerType(request, services, raw);
    const ctx = tenantContext(request);
    const first = parsed[0]?.params;
    let skip = (first?.startIndex ?? 1) - 1;
    let room = first?.count ?? 0;
    let total = 0;
    const resources: ScimResource[] = [];
    for (const { service, params } of parsed) {
      // Each type's own slice of the combined list: what is left to skip, what is left to fill.
      const result = await runQuery(ctx, service.type, { ...params, startIndex: skip + 1, count: room });
      const presented = await service.present(ctx, result.matches, withMemberships(service.type, params.selection));
      resources.push(...presented.map((resource) => projectResource(request.profile, service.type, resource, params.selection)));
      const typeTotal = result.totalResults ?? presented.length;
      total += typeTotal;
      skip = Math.max(0, skip - typeTotal);
      room -= presented.length;
    }
    return {
      status: 200,
      body: listResponse({ resources, totalResults: total, startIndex: first?.startIndex ?? 1, itemsPerPage: resources.length }),
    };
  };
}

function parsePerType(
  request: ScimRequest,
  services: readonly ResourceService[],
  raw: Record<string, unknown>,
): { service: ResourceService; params: ListParams }[] {
  const parsed: { service: ResourceService; params: ListParams }[] = [];
  let firstError: ScimError | undefined;
  for (const service of services) {
    try {
      parsed.push({ service, params: parseListParams(request.profile, service.type, raw) });
    } catch (error) {
      if (!isScimError(error)) throw error;
      firstError ??= error;
    }
  }
  if (parsed.length === 0 && firstError) throw firstError;
  return parsed;
}
