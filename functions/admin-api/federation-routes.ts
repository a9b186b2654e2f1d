/**
 * `/admin/v1/tenants/{tenantId}/federated-credentials[/{credentialId}]`: a tenant's federated
 * credentials (workload identity federation, docs/federation.md). Thin: each handler calls the
 * federated credential service (federation/federated-credentials.ts), the one every writer uses.
 * A credential holds no secret, so the answers show it whole.
 */
import * as z from 'zod/mini';
import { federatedCredentialInputSchema } from '../federation/credential-schema';
import { addFederatedCredential, listTenantFederatedCredentials, removeFederatedCredential } from '../federation/federated-credentials';
import { json, operation, type AdminOperation } from './operation';

const credentialView = z.object({
  id: z.string(),
  /** What the customer enters in Entra as "Client Identifier". */
  clientId: z.string(),
  issuer: z.string(),
  jwksUri: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()),
  /** The Entra tenant `tid` must name, when set. */
  tenantId: z.optional(z.string()),
  /** `config`: declared in tenants.json (a deploy keeps it as declared); `admin`: added here or with the CLI. */
  source: z.enum(['config', 'admin']),
  createdAt: z.string(),
});

const TAG = 'Federated credentials';
const PATH = '/tenants/{tenantId}/federated-credentials';

export const federationRoutes: readonly AdminOperation[] = [
  operation({
    method: 'POST',
    path: PATH,
    operationId: 'createFederatedCredential',
    summary:
      "Trust an identity provider (e.g. the customer's Entra tenant): its client assertions get tokens. id and clientId are generated when absent.",
    tag: TAG,
    requestBody: z.strictObject(federatedCredentialInputSchema.shape),
    responses: { 201: { description: 'The credential; give the customer its clientId.', body: credentialView } },
    problems: ['not-found', 'already-exists', 'limit-reached'],
    handle: async ({ db, params, body, apiUrl }) => {
      const tenantId = params.tenantId ?? '';
      const credential = await addFederatedCredential(db, tenantId, body);
      return json(201, credential, { Location: `${apiUrl}/admin/v1/tenants/${tenantId}/federated-credentials/${credential.id}` });
    },
  }),
  operation({
    method: 'GET',
    path: PATH,
    operationId: 'listFederatedCredentials',
    summary: "The tenant's federated credentials (at most 50).",
    tag: TAG,
    responses: { 200: { description: 'Every federated credential of the tenant.', body: z.object({ items: z.array(credentialView) }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { items: await listTenantFederatedCredentials(db, params.tenantId ?? '') }),
  }),
  operation({
    method: 'DELETE',
    path: `${PATH}/{credentialId}`,
    operationId: 'deleteFederatedCredential',
    summary: 'Stop trusting it: its next token request and the access tokens it already got are refused.',
    tag: TAG,
    responses: { 204: { description: 'Removed.' } },
    problems: ['not-found'],
    handle: async ({ db, params }) => {
      await removeFederatedCredential(db, params.tenantId ?? '', params.credentialId ?? '');
      return { status: 204 };
    },
  }),
];
