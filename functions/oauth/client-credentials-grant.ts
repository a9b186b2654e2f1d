/**
 * Issuing an access token (RFC 6749 §4.4 client credentials), over the table and a signer:
 *   request errors (400/413)  →  source over its failure limit (429)  →  tenant (must exist and be
 *   active)  →  client authentication (401, counted as a failure per client id and per source)
 *   →  paused tenant (503 + Retry-After)  →  per-tenant limit on tokens issued (429)  →  scope  →  a signed access token.
 * Only authenticated requests spend the tenant's budget, so junk (unknown clients, wrong secrets,
 * even a real client id with a wrong secret) never locks the tenant's real client out: junk is
 * throttled per source, and failures naming a client id past its limit get 429 instead of 401 while
 * the right credential still gets its token (secrets are 256-bit random: the limit is about cost).
 * A client authenticates with its secret (form or HTTP Basic) or with an RFC 7523 client
 * assertion checked against the federated credential its `client_id` names (functions/federation/);
 * such a token never outlives the assertion. An unknown tenant, an unknown client, a revoked
 * client, a disabled tenant, a wrong secret and every failed assertion check all give the same
 * `invalid_client`. Every refusal is THROWN as an OAuthError (oauth-error.ts) with its log reason;
 * the token endpoint's edge (token-responses.ts) answers, logs and records it.
 */
import type { Db } from '../store/db';
import { getFederatedCredential } from '../store/federated-credential-items';
import { countTokenRequest } from '../store/oauth-client-items';
import { countFailedAuthentication, failedFromSource } from '../store/token-attempts';
import { getTenant, type TenantRecord } from '../store/tenants';
import { CLIENT_ID_PATTERN } from '../credentials/client-credentials';
import { authenticateClientWithReason } from '../credentials/client-service';
import { AssertionRefused, verifyClientAssertion, type KeySource } from '../federation/assertion-verifier';
import { acceptsCredentials, PAUSED_DETAIL, PAUSED_RETRY_AFTER_SECONDS } from '../tenants/tenant-status';
import { issueAccessToken } from './access-token';
import { invalidClient, OAuthError, type RefusalDetails } from './oauth-error';
import type { TokenRefusalReason } from '../activity/refusal-reasons';
import type { AccessTokenSigner } from '../signing/signer';
import { recordTokenOutcome, type TokenRequestContext } from './token-activity';
import { readTokenRequest, scopeAllowed, type AssertionGrant, type RawTokenRequest, type SecretGrant } from './token-request';

const DEFAULT_TOKEN_LIFETIME_MINUTES = 60;
const DEFAULT_FAILURES_PER_MINUTE = 30;

export interface TokenServiceDeps {
  readonly db: Db;
  readonly signer: AccessTokenSigner;
  readonly issuer: string;
  /** Tokens issued per tenant and minute (authenticated requests only). */
  readonly requestsPerMinute: number;
  /** Failed authentications per source IP, and per client id, and minute. @default 30 */
  readonly failuresPerMinute?: number;
  /** Where client assertions' keys come from; the cached JWKS fetcher (federation/jwks-cache.ts) by default. */
  readonly assertionKeys?: KeySource;
  /** The request's id and User-Agent, for the tenant's activity log (absent: not recorded). */
  readonly request?: TokenRequestContext;
}

/** How the client authenticated (RFC 8414 `token_endpoint_auth_methods_supported` names). */
export type ClientAuthMethod = 'client_secret' | 'private_key_jwt';

/** What the request showed before it was answered: the edge logs and records a refusal with it. */
export interface TokenRequestProgress {
  method?: ClientAuthMethod;
  tenant?: TenantRecord;
}

export interface IssuedToken {
  readonly tenantId: string;
  readonly clientId: string;
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** Who authenticated, and until when its token may live (epoch seconds; undefined: no cap). */
interface Authenticated {
  readonly clientId: string;
  readonly federated: boolean;
  readonly notAfter?: number;
}

type Refused = RefusalDetails & { readonly reason: TokenRefusalReason };

export async function grantToken(
  deps: TokenServiceDeps,
  knownTenant: string | undefined,
  raw: RawTokenRequest,
  progress: TokenRequestProgress,
): Promise<IssuedToken> {
  const grant = readTokenRequest(raw);
  progress.method = grant.kind === 'secret' ? 'client_secret' : 'private_key_jwt';

  const nowSeconds = Date.now() / 1000;
  const minute = Math.floor(nowSeconds / 60);
  const failureLimit = deps.failuresPerMinute ?? DEFAULT_FAILURES_PER_MINUTE;
  const tooMany = (description: string, activityClientId?: string) =>
    new OAuthError('temporarily_unavailable', description, 429, {
      retryAfter: Math.max(1, Math.ceil((minute + 1) * 60 - nowSeconds)),
      activity: 'rate_limited',
      ...(activityClientId ? { activityClientId } : {}),
    });
  const { sourceIp } = raw;
  if (sourceIp && (await failedFromSource(deps.db, sourceIp, minute)) >= failureLimit) {
    throw tooMany('Too many failed token requests from this address; retry later.');
  }
  /** A failed authentication: counted per source and per client id (apart from issued tokens), then 401 — or 429 past the limit. */
  const refusal = async (details: Refused, tenantId?: string): Promise<OAuthError> => {
    const named = tenantId && grant.clientId !== undefined && CLIENT_ID_PATTERN.test(grant.clientId) ? grant.clientId : undefined;
    const failures = await countFailedAuthentication(
      deps.db,
      { ...(named && tenantId ? { tenantId, clientId: named } : {}), ...(sourceIp ? { sourceIp } : {}) },
      minute,
    );
    if (failures.client > failureLimit) return tooMany('Too many failed token requests for this client; retry later.');
    return invalidClient(grant.basic, details);
  };

  const tenant = knownTenant ? await getTenant(deps.db, knownTenant) : undefined;
  if (!tenant) throw await refusal({ reason: 'tenant_unknown' });
  progress.tenant = tenant;
  if (!acceptsCredentials(tenant.status)) throw await refusal({ reason: 'tenant_inactive', activity: 'tenant_disabled' });
  const client =
    grant.kind === 'secret' ? await bySecret(deps, tenant.tenantId, grant) : await byAssertion(deps, tenant.tenantId, grant, nowSeconds);
  if ('reason' in client) throw await refusal(client, tenant.tenantId);
  // Only an authenticated client learns that its tenant is paused (docs/admin-api.md#status).
  if (tenant.status === 'paused') {
    throw new OAuthError('temporarily_unavailable', PAUSED_DETAIL, 503, {
      clientId: client.clientId,
      retryAfter: PAUSED_RETRY_AFTER_SECONDS,
      activity: 'tenant_paused',
    });
  }
  if ((await countTokenRequest(deps.db, tenant.tenantId, minute)) > deps.requestsPerMinute) {
    throw tooMany('Too many token requests for this tenant; retry later.', client.clientId);
  }
  if (!scopeAllowed(grant.scope)) {
    throw new OAuthError('invalid_scope', 'The only scope is "scim".', 400, { clientId: client.clientId, activity: 'invalid_scope' });
  }

  // Stored settings were validated on write (tenants/settings-schema.ts); the store hands them over untyped.
  const configured = tenant.settings.tokenLifetimeMinutes;
  const lifetimeMinutes = typeof configured === 'number' ? configured : DEFAULT_TOKEN_LIFETIME_MINUTES;
  // A federated client's token ends when its assertion does (a 10-minute assertion: at most 10 minutes).
  const lifetimeSeconds = Math.min(
    lifetimeMinutes * 60,
    client.notAfter === undefined ? Infinity : Math.floor(client.notAfter - nowSeconds),
  );
  if (lifetimeSeconds <= 0) throw invalidClient(false, { clientId: client.clientId, reason: 'jwt_expired' });
  // The issue is recorded while the token is signed: no added latency.
  const [token] = await Promise.all([
    issueAccessToken(deps.signer, {
      issuer: deps.issuer,
      tenantId: tenant.tenantId,
      clientId: client.clientId,
      lifetimeSeconds,
      ...(client.federated ? { federated: true } : {}),
    }),
    recordTokenOutcome(deps, tenant.tenantId, tenant, { status: 200, clientId: client.clientId }),
  ]);
  return { tenantId: tenant.tenantId, clientId: client.clientId, accessToken: token.accessToken, expiresIn: token.expiresIn };
}

async function bySecret(deps: TokenServiceDeps, tenantId: string, grant: SecretGrant): Promise<Authenticated | Refused> {
  const result = await authenticateClientWithReason(deps.db, tenantId, grant.clientId, grant.clientSecret);
  if ('client' in result) return { clientId: result.client.clientId, federated: false };
  // The log does not tell these apart (on purpose); the tenant's activity record does, naming the
  // client only when it is one of the tenant's (an id that names no client may be a pasted secret).
  return {
    reason: 'client_secret_invalid',
    activity: result.refused,
    ...(result.refused !== 'client_unknown' ? { activityClientId: grant.clientId } : {}),
  };
}

/** The federated credential `client_id` names, and the assertion checked against it. */
async function byAssertion(
  deps: TokenServiceDeps,
  tenantId: string,
  grant: AssertionGrant,
  nowSeconds: number,
): Promise<Authenticated | Refused> {
  if (grant.clientId === undefined) return { reason: 'assertion_no_client_id' };
  const credential = CLIENT_ID_PATTERN.test(grant.clientId) ? await getFederatedCredential(deps.db, tenantId, grant.clientId) : undefined;
  if (!credential) return { reason: 'assertion_unknown_client' };
  try {
    const verified = await verifyClientAssertion(grant.assertion, credential, {
      now: nowSeconds,
      ...(deps.assertionKeys ? { keys: deps.assertionKeys } : {}),
    });
    return { clientId: credential.clientId, federated: true, notAfter: verified.expiresAt };
  } catch (error) {
    if (error instanceof AssertionRefused) return { reason: error.reason, clientId: credential.clientId };
    throw error;
  }
}
