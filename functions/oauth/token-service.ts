/**
 * The token endpoint (RFC 6749 §4.4 client credentials), over the table and a signer:
 *   request errors (400/413)  →  tenant (must exist and be active)  →  per-tenant throttle (429)
 *   →  client authentication (401)  →  scope  →  a signed access token (200, no-store).
 * An unknown tenant, an unknown client, a revoked client, a disabled tenant and a wrong secret
 * all give the same `invalid_client`. Returns the response and one log record (tenant, client id
 * when it names a real client, outcome): never a secret or a token.
 */
import type { Db } from '../store/db';
import { countTokenRequest } from '../store/oauth-client-items';
import { getTenant } from '../store/tenants';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id';
import { issueAccessToken } from './access-token';
import { authenticateClient } from './oauth-clients';
import type { AccessTokenSigner } from './signer';
import { invalidClient, readTokenRequest, scopeAllowed, type OAuthError, type RawTokenRequest } from './token-request';

export const DEFAULT_TOKEN_LIFETIME_MINUTES = 60;

export interface TokenServiceDeps {
  readonly db: Db;
  readonly signer: AccessTokenSigner;
  readonly issuer: string;
  /** Token requests per tenant and minute. */
  readonly requestsPerMinute: number;
}

export interface OAuthResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

export type TokenOutcome = 'issued' | OAuthError['error'];

export interface TokenLogRecord {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly outcome: TokenOutcome;
}

const NO_STORE = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function errorResponse(error: OAuthError, retryAfter?: number): OAuthResponse {
  return {
    status: error.status,
    headers: {
      ...NO_STORE,
      ...(error.status === 401 && error.basic ? { 'WWW-Authenticate': 'Basic realm="oauth2", charset="UTF-8"' } : {}),
      ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}),
    },
    body: { error: error.error, error_description: error.description },
  };
}

export async function handleTokenRequest(
  deps: TokenServiceDeps,
  tenantId: string | undefined,
  raw: RawTokenRequest,
): Promise<{ response: OAuthResponse; log: TokenLogRecord }> {
  const knownTenant = tenantId !== undefined && TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
  const fail = (error: OAuthError, clientId?: string, retryAfter?: number) => ({
    response: errorResponse(error, retryAfter),
    log: { ...(knownTenant ? { tenantId: knownTenant } : {}), ...(clientId ? { clientId } : {}), outcome: error.error },
  });

  const grant = readTokenRequest(raw);
  if ('error' in grant) return fail(grant);
  const tenant = knownTenant ? await getTenant(deps.db, knownTenant) : undefined;
  if (!tenant || tenant.status !== 'active') return fail(invalidClient(grant.basic));

  const nowSeconds = Date.now() / 1000;
  const minute = Math.floor(nowSeconds / 60);
  if ((await countTokenRequest(deps.db, tenant.tenantId, minute)) > deps.requestsPerMinute) {
    const retryAfter = Math.max(1, Math.ceil((minute + 1) * 60 - nowSeconds));
    return fail(
      { error: 'temporarily_unavailable', description: 'Too many token requests for this tenant; retry later.', status: 429 },
      undefined,
      retryAfter,
    );
  }

  const client = await authenticateClient(deps.db, tenant.tenantId, grant.clientId, grant.clientSecret);
  if (!client) return fail(invalidClient(grant.basic));
  if (!scopeAllowed(grant.scope)) {
    return fail({ error: 'invalid_scope', description: 'The only scope is "scim".', status: 400 }, client.clientId);
  }

  // Stored settings were validated on write (tenants/config.ts); the store hands them over untyped.
  const configured = tenant.settings.tokenLifetimeMinutes;
  const lifetimeMinutes = typeof configured === 'number' ? configured : DEFAULT_TOKEN_LIFETIME_MINUTES;
  const token = await issueAccessToken(deps.signer, {
    issuer: deps.issuer,
    tenantId: tenant.tenantId,
    clientId: client.clientId,
    lifetimeSeconds: lifetimeMinutes * 60,
  });
  return {
    response: {
      status: 200,
      headers: NO_STORE,
      body: { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, scope: 'scim' },
    },
    log: { tenantId: tenant.tenantId, clientId: client.clientId, outcome: 'issued' },
  };
}
