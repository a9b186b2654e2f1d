/**
 * `/admin/v1/tenants/{tenantId}/oauth-clients[...]`: a tenant's OAuth clients (client credentials
 * grant) and their secrets, at most two per client (credentials/client-service.ts). A secret appears
 * in the 201 of its creation and in no other answer.
 */
import * as z from 'zod/mini';
import {
  addClient,
  addClientSecret,
  listTenantClients,
  MAX_CLIENT_SECRETS,
  readTenantClient,
  revokeClientSecret,
  revokeTenantClient,
} from '../credentials/client-service';
import { json, noContent, operation, type AdminOperation } from './operation';

const TAG = 'OAuth clients';
const PATH = '/tenants/{tenantId}/oauth-clients';

const secretSummary = z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.optional(z.string()) });
const clientView = z.object({
  clientId: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.optional(z.string()),
  secrets: z.array(secretSummary),
});
const issuedClient = z.object({ clientId: z.string(), clientSecret: z.string(), secretId: z.string(), createdAt: z.string() });
const issuedSecret = z.object({ id: z.string(), clientId: z.string(), clientSecret: z.string(), createdAt: z.string() });

export const oauthClientRoutes: readonly AdminOperation[] = [
  operation({
    method: 'POST',
    path: PATH,
    operationId: 'createOAuthClient',
    summary: 'Create an OAuth client with one secret (shown in this answer only).',
    tag: TAG,
    responses: {
      201: { description: "Entra's Client Identifier and Client Secret (the secret appears here only).", body: issuedClient },
    },
    problems: ['not-found', 'invalid-state'],
    handle: async ({ db, params, apiUrl }) => {
      const tenantId = params.tenantId ?? '';
      const client = await addClient(db, tenantId);
      return json(201, client, { Location: `${apiUrl}/admin/v1/tenants/${tenantId}/oauth-clients/${client.clientId}` });
    },
  }),
  operation({
    method: 'GET',
    path: PATH,
    operationId: 'listOAuthClients',
    summary: "The tenant's clients, revoked ones included: ids, secret ids and dates, never a secret.",
    tag: TAG,
    responses: { 200: { description: 'The clients, oldest first.', body: z.object({ items: z.array(clientView) }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { items: await listTenantClients(db, params.tenantId ?? '') }),
  }),
  operation({
    method: 'GET',
    path: `${PATH}/{clientId}`,
    operationId: 'getOAuthClient',
    summary: 'One client: ids, secret ids and dates, never a secret.',
    tag: TAG,
    responses: { 200: { description: 'The client.', body: clientView } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, await readTenantClient(db, params.tenantId ?? '', params.clientId ?? '')),
  }),
  operation({
    method: 'DELETE',
    path: `${PATH}/{clientId}`,
    operationId: 'deleteOAuthClient',
    summary:
      'Revoke a client: its secrets stop at once, its access tokens at the authorizer’s next evaluation; it stays listed as revoked.',
    tag: TAG,
    responses: { 204: { description: 'Revoked.' } },
    problems: ['not-found'],
    handle: async ({ db, params }) => {
      await revokeTenantClient(db, params.tenantId ?? '', params.clientId ?? '');
      return noContent();
    },
  }),
  operation({
    method: 'POST',
    path: `${PATH}/{clientId}/secrets`,
    operationId: 'addOAuthClientSecret',
    summary: `Add a secret (shown in this answer only); at most ${MAX_CLIENT_SECRETS} per client, both accepted by the token endpoint.`,
    tag: TAG,
    responses: { 201: { description: "The new secret: paste it into the identity provider's Client Secret.", body: issuedSecret } },
    problems: ['not-found', 'limit-reached'],
    handle: async ({ db, params }) => json(201, await addClientSecret(db, params.tenantId ?? '', params.clientId ?? '')),
  }),
  operation({
    method: 'DELETE',
    path: `${PATH}/{clientId}/secrets/{secretId}`,
    operationId: 'deleteOAuthClientSecret',
    summary: 'Revoke one secret: it stops at once; the other secret and access tokens already issued keep working.',
    tag: TAG,
    responses: { 204: { description: 'Revoked.' } },
    problems: ['not-found'],
    handle: async ({ db, params }) => {
      await revokeClientSecret(db, params.tenantId ?? '', params.clientId ?? '', params.secretId ?? '');
      return noContent();
    },
  }),
];
