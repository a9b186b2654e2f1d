/** Lambda entry: /ServiceProviderConfig, /Schemas, /ResourceTypes (RFC 7644 §4). */
import { notFound } from './scim/scim-error';
import {
  resourceTypeResource,
  resourceTypeResources,
  schemaResource,
  schemaResources,
  serviceProviderConfig,
} from './scim/discovery-documents';
import { listResponse } from './scim/list';
import type { ScimResource } from './scim/schema/types';
import { scimHandler } from './http/handler';
import type { ScimRequest } from './http/request';
import type { ScimResult } from './http/response';
import { limits } from './provisioning/limits';
import { environment } from './commons/environment';
import { eventUrisOf } from './events/change-event';

const ok = (body: unknown): ScimResult => ({ status: 200, body });

const all = (resources: ScimResource[]): ScimResult =>
  ok(listResponse({ resources, totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length }));

const found = (resource: ScimResource | undefined, what: string, request: ScimRequest): ScimResult => {
  if (!resource) throw notFound(`No ${what} ${request.id ?? ''}.`);
  return ok(resource);
};

export const handler = scimHandler({
  'GET /ServiceProviderConfig': async (request) =>
    ok(
      serviceProviderConfig({
        baseUrl: request.baseUrl,
        bulk: limits.bulk,
        filterMaxResults: limits.maxPageSize,
        pagination: { defaultPageSize: limits.defaultPageSize, maxPageSize: limits.maxPageSize, cursorTimeout: limits.cursorTimeout },
        sortSupported: true,
        etagSupported: true,
        eventUris: eventUrisOf(environment.eventForm()),
      }),
    ),
  // The tenant's own schemas: its extensions, and its required attributes shown as `required: true`.
  'GET /Schemas': async (request) => all(schemaResources(request.profile, request.baseUrl)),
  'GET /Schemas/{id}': async (request) => found(schemaResource(request.profile, request.baseUrl, request.id ?? ''), 'schema', request),
  'GET /ResourceTypes': async (request) => all(resourceTypeResources(request.profile, request.baseUrl)),
  'GET /ResourceTypes/{id}': async (request) =>
    found(resourceTypeResource(request.profile, request.baseUrl, request.id ?? ''), 'resource type', request),
});
