/** Lambda entry: /ServiceProviderConfig, /Schemas, /ResourceTypes (RFC 7644 §4). */
import { notFound } from './scim/errors';
import {
  resourceTypeResource,
  resourceTypeResources,
  schemaResource,
  schemaResources,
  serviceProviderConfig,
} from './scim/discovery';
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

/** A tenant's required attributes show as `required: true` in its /Schemas. */
const requiredPaths = (request: ScimRequest) => request.settings.requiredAttributes;

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
  'GET /Schemas': async (request) => all(schemaResources(request.baseUrl, requiredPaths(request))),
  'GET /Schemas/{id}': async (request) =>
    found(schemaResource(request.baseUrl, request.id ?? '', requiredPaths(request)), 'schema', request),
  'GET /ResourceTypes': async (request) => all(resourceTypeResources(request.baseUrl)),
  'GET /ResourceTypes/{id}': async (request) => found(resourceTypeResource(request.baseUrl, request.id ?? ''), 'resource type', request),
});
