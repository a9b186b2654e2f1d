/**
 * `/admin/v1/tenants/{tenantId}/tokens[...]`: a tenant's secret tokens (credentials/token-service.ts).
 * The token appears in the 201 of its creation and in no other answer.
 */
import * as z from 'zod/mini';
import { issueToken, listTokens, MAX_ACTIVE_TOKENS, revokeToken } from '../credentials/token-service';
import { json, noContent, operation, type AdminOperation } from './operation';

const TAG = 'Secret tokens';
const issuedToken = z.object({ id: z.string(), token: z.string(), createdAt: z.string() });
const tokenSummary = z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.optional(z.string()) });

export const tokenRoutes: readonly AdminOperation[] = [
  operation({
    method: 'POST',
    path: '/tenants/{tenantId}/tokens',
    operationId: 'issueToken',
    summary: `Issue a secret token (shown in this answer only); at most ${MAX_ACTIVE_TOKENS} active per tenant.`,
    tag: TAG,
    responses: { 201: { description: 'The token: paste it into the identity provider as its Secret Token.', body: issuedToken } },
    problems: ['not-found', 'limit-reached', 'invalid-state'],
    handle: async ({ db, params }) => json(201, await issueToken(db, params.tenantId ?? '')),
  }),
  operation({
    method: 'GET',
    path: '/tenants/{tenantId}/tokens',
    operationId: 'listTokens',
    summary: "The tenant's tokens: ids and dates, never a token.",
    tag: TAG,
    responses: { 200: { description: 'The tokens, oldest first.', body: z.object({ items: z.array(tokenSummary) }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { items: await listTokens(db, params.tenantId ?? '') }),
  }),
  operation({
    method: 'DELETE',
    path: '/tenants/{tenantId}/tokens/{tokenId}',
    operationId: 'deleteToken',
    summary:
      'Revoke a token: refused from the authorizer’s next evaluation (within its cache TTL) as token_revoked; no longer listed or counted.',
    tag: TAG,
    responses: { 204: { description: 'Revoked.' } },
    problems: ['not-found'],
    handle: async ({ db, params }) => {
      await revokeToken(db, params.tenantId ?? '', params.tokenId ?? '');
      return noContent();
    },
  }),
];
