/**
 * Every admin operation, in one list: the router serves exactly these and the OpenAPI document
 * declares exactly these. A feature adds its admin routes as one module (e.g. token-routes.ts)
 * and one line here (see /work/notes/admin-api.md and docs/admin-api.md).
 */
import * as z from 'zod/mini';
import { json, operation, type AdminOperation } from './operation';
import { openApiDocument } from './openapi';
import { federationRoutes } from './federation-routes';
import { tenantRoutes } from './tenant-routes';
import { eventStreamRoutes } from './event-stream-routes';
import { tokenRoutes } from './token-routes';
import { oauthClientRoutes } from './oauth-client-routes';
import { activityRoutes } from './activity-routes';

const featureRoutes: readonly AdminOperation[] = [
  ...tenantRoutes,
  ...tokenRoutes,
  ...oauthClientRoutes,
  ...eventStreamRoutes,
  ...federationRoutes,
  ...activityRoutes,
];

let document: Record<string, unknown> | undefined;

const openApiRoute = operation({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This API as an OpenAPI 3.1 document.',
  tag: 'API',
  responses: { 200: { description: 'The OpenAPI document.', body: z.record(z.string(), z.unknown()) } },
  problems: [],
  handle: async () => json(200, (document ??= openApiDocument(adminOperations))),
});

export const adminOperations: readonly AdminOperation[] = [openApiRoute, ...featureRoutes];
