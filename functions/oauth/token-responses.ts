/**
 * The token endpoint's edge: runs a token request through the token service (client-credentials-grant.ts) and
 * answers it. A refusal the service throws (an OAuthError, oauth-error.ts) becomes its RFC 6749 §5.2
 * answer here, once: the error code and description, no-store, `WWW-Authenticate` on a Basic 401,
 * `Retry-After` on a 429 or 503; and its activity record in the tenant whose URL was called. Returns
 * the response and one log record (tenant, client id when it names a real client, method, outcome,
 * and for a refusal its reason code, refusal-reasons.ts): never a secret, an assertion or a token.
 * Anything else thrown is a fault, answered 503 by the Lambda entry (oauth-token-api.ts).
 */
import type { ReasonCode } from '../activity/reason-codes';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id';
import { grantToken, type ClientAuthMethod, type TokenRequestProgress, type TokenServiceDeps } from './client-credentials-grant';
import { OAuthError, type OAuthErrorCode } from './oauth-error';
import type { TokenRefusalReason } from '../activity/refusal-reasons';
import { recordTokenOutcome } from './token-activity';
import type { RawTokenRequest } from './token-request';

export interface OAuthResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

type TokenOutcome = 'issued' | OAuthErrorCode;

interface TokenLogRecord {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly method?: ClientAuthMethod;
  readonly outcome: TokenOutcome;
  /** Why the client was refused (`invalid_client` only). */
  readonly reason?: TokenRefusalReason;
}

const NO_STORE = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export async function handleTokenRequest(
  deps: TokenServiceDeps,
  tenantId: string | undefined,
  raw: RawTokenRequest,
): Promise<{ response: OAuthResponse; log: TokenLogRecord }> {
  const knownTenant = tenantId !== undefined && TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
  const progress: TokenRequestProgress = {};
  try {
    const token = await grantToken(deps, knownTenant, raw, progress);
    return {
      response: {
        status: 200,
        headers: NO_STORE,
        body: { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, scope: 'scim' },
      },
      log: {
        tenantId: token.tenantId,
        clientId: token.clientId,
        ...(progress.method ? { method: progress.method } : {}),
        outcome: 'issued',
      },
    };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return refused(deps, knownTenant, progress, error);
  }
}

/** The answer, log record and activity record of a refusal. */
async function refused(
  deps: TokenServiceDeps,
  knownTenant: string | undefined,
  progress: TokenRequestProgress,
  error: OAuthError,
): Promise<{ response: OAuthResponse; log: TokenLogRecord }> {
  const { details } = error;
  // The activity record: in the tenant whose URL was called (one write; none for an unknown tenant),
  // with the finer reason when there is one (the log keeps the token endpoint's own codes).
  if (knownTenant && details.reason !== 'tenant_unknown') {
    const clientId = details.activityClientId ?? details.clientId;
    await recordTokenOutcome(deps, knownTenant, progress.tenant, {
      status: error.status,
      reason: details.activity ?? details.reason ?? requestReason(error.code),
      ...(clientId ? { clientId } : {}),
    });
  }
  return {
    response: {
      status: error.status,
      headers: {
        ...NO_STORE,
        ...(error.status === 401 && details.basic ? { 'WWW-Authenticate': 'Basic realm="oauth2", charset="UTF-8"' } : {}),
        ...(details.retryAfter !== undefined ? { 'Retry-After': String(details.retryAfter) } : {}),
      },
      body: { error: error.code, error_description: error.message },
    },
    log: {
      ...(knownTenant ? { tenantId: knownTenant } : {}),
      ...(details.clientId ? { clientId: details.clientId } : {}),
      ...(progress.method ? { method: progress.method } : {}),
      outcome: error.code,
      ...(details.reason ? { reason: details.reason } : {}),
    },
  };
}

/** The activity reason of a token request refused before a client was authenticated. */
function requestReason(code: OAuthErrorCode): ReasonCode {
  if (code === 'invalid_client') return 'client_auth_malformed';
  if (code === 'unsupported_grant_type' || code === 'invalid_scope') return code;
  return 'invalid_request';
}
