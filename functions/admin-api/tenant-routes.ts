/**
 * `/admin/v1/tenants[...]`: create, read, list, change and delete tenants. Thin: each handler reads
 * its parameters, calls the tenant service (tenants/tenant-service.ts) and shapes the answer.
 */
import * as z from 'zod/mini';
import { InvalidInput } from '../commons/service-errors';
import { createTenantInput, updateTenantInput } from '../tenants/tenant-input';
import { createTenant, deleteTenant, listTenants, MAX_PAGE_SIZE, readTenant, updateTenantSettings } from '../tenants/tenant-service';
import { json, operation, type AdminOperation } from './operation';
import { OKTA_PROVISIONING_ACTIONS, readConnection, WORKLOAD_IDENTITY_METHOD } from '../tenants/connection-info';
import { tenantStats } from '../tenants/tenant-stats';

export const tenantView = z.object({
  id: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'paused', 'disabled', 'deleting']),
  settings: z.record(z.string(), z.unknown()),
  /** The tier whose usage plan holds the tenant's own API key; `shared`: none of its own. */
  rateTier: z.string(),
  createdAt: z.string(),
  lastModified: z.string(),
  /** While `deleting`: the background purge's phase and the items it has deleted so far. */
  deletion: z.optional(z.object({ phase: z.string(), itemsDeleted: z.int().check(z.gte(0)), updatedAt: z.optional(z.string()) })),
});

const tenantPage = z.object({ items: z.array(tenantView), nextCursor: z.optional(z.string()) });

const TAG = 'Tenants';

const text = z.string();
const connection = z.object({
  tenantUrl: text,
  entra: z.object({
    secretToken: z.object({ 'Tenant URL': text, 'Secret Token': text }),
    oauth2ClientCredentialsGrant: z.object({
      'Tenant URL': text,
      'Token Endpoint': text,
      'Client Identifier': text,
      'Client Secret': text,
    }),
  }),
  workloadIdentity: z.object({
    authenticationMethod: z.literal(WORKLOAD_IDENTITY_METHOD),
    tenantUrl: text,
    tokenEndpoint: text,
    /** RFC 8414 authorization-server metadata of the tenant. */
    metadata: text,
    /** Per federated credential: the Client Identifier to give the customer, and what the customer's Entra showed. */
    credentials: z.array(
      z.object({
        id: text,
        clientIdentifier: text,
        issuer: text,
        subject: text,
        audiences: z.array(text),
        tenantId: z.optional(text),
      }),
    ),
  }),
  okta: z.object({
    'SCIM connector base URL': text,
    'Unique identifier field for users': z.literal('userName'),
    'Supported provisioning actions': z.array(z.enum(OKTA_PROVISIONING_ACTIONS)),
    'Authentication Mode': text,
  }),
});
const count = z.int().check(z.gte(0));
const stats = z.object({ users: count, activeUsers: count, groups: count, memberships: count });

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidInput([{ path: 'limit', message: `an integer from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return limit;
}

export const tenantRoutes: readonly AdminOperation[] = [
  operation({
    method: 'POST',
    path: '/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant (active, no credentials yet: issue a token or an OAuth client next).',
    tag: TAG,
    requestBody: createTenantInput,
    responses: { 201: { description: 'The tenant.', body: tenantView } },
    problems: ['already-exists'],
    handle: async ({ db, rateTiers, body, apiUrl }) => {
      const tenant = await createTenant({ db, rateTiers }, body);
      return json(201, tenant, { Location: `${apiUrl}/admin/v1/tenants/${tenant.id}` });
    },
  }),
  operation({
    method: 'GET',
    path: '/tenants',
    operationId: 'listTenants',
    summary: 'List tenants in id order, a page at a time.',
    tag: TAG,
    query: [
      {
        name: 'limit',
        description: `Tenants per page, 1-${MAX_PAGE_SIZE} (default 50).`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
      },
      { name: 'cursor', description: "The previous page's nextCursor.", schema: { type: 'string' } },
    ],
    responses: { 200: { description: 'A page of tenants; nextCursor is absent on the last page.', body: tenantPage } },
    problems: ['invalid-input', 'invalid-cursor'],
    handle: async ({ db, query }) => {
      const limit = limitOf(query.limit);
      return json(200, await listTenants(db, { ...(limit ? { limit } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) }));
    },
  }),
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}',
    operationId: 'getTenant',
    summary: 'Read a tenant (a tenant being deleted shows status "deleting").',
    tag: TAG,
    responses: { 200: { description: 'The tenant.', body: tenantView } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, await readTenant(db, params.tenantId ?? '')),
  }),
  operation({
    method: 'PATCH',
    path: '/tenants/{tenantId}',
    operationId: 'updateTenant',
    summary: 'Change displayName, settings (replaced whole), rateTier or status (active, paused, disabled).',
    tag: TAG,
    requestBody: updateTenantInput,
    responses: { 200: { description: 'The tenant as changed.', body: tenantView } },
    problems: ['not-found', 'invalid-state'],
    handle: async ({ db, rateTiers, params, body }) =>
      json(200, await updateTenantSettings({ db, rateTiers }, params.tenantId ?? '', body)),
  }),
  operation({
    method: 'DELETE',
    path: '/tenants/{tenantId}',
    operationId: 'deleteTenant',
    summary: 'Delete a tenant: its credentials stop at once, its data is removed in the background (GET shows progress).',
    tag: TAG,
    responses: { 202: { description: 'Deletion started (or already running).', body: tenantView } },
    problems: ['not-found'],
    handle: async ({ db, rateTiers, params }) => json(202, await deleteTenant({ db, rateTiers }, params.tenantId ?? '')),
  }),
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}/connection',
    operationId: 'getConnection',
    summary:
      "What the customer's IT admin pastes into Entra or Okta, in their own words, and the workload identity federation values; secrets are never echoed.",
    tag: TAG,
    responses: { 200: { description: 'The connection values.', body: connection } },
    problems: ['not-found'],
    handle: async ({ db, params, apiUrl }) => json(200, await readConnection(db, apiUrl, params.tenantId ?? '')),
  }),
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}/stats',
    operationId: 'getStats',
    summary:
      'Users and groups (the exact counters, as GET /Users totalResults), active users and memberships (counted), as scim-admin stats.',
    tag: TAG,
    responses: { 200: { description: 'The counts.', body: stats } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, await tenantStats(db, params.tenantId ?? '')),
  }),
];
