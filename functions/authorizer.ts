/**
 * API Gateway TOKEN authorizer: `Authorization: Bearer <credential>` → tenant. Two credentials:
 *  - the tenant's secret token: one strongly consistent GetItem on its SHA-256 finds the token
 *    item, one more the tenant;
 *  - an OAuth access token (a JWT from the token endpoint, functions/oauth-token-api.ts): verified with the
 *    signing key's public key (fetched once per container, no KMS call per request), then the
 *    client (or the federated credential it came from) and the tenant are read (two GetItems, in
 *    parallel), so a revoked client, a removed federated credential or a disabled tenant stops working at the next evaluation, not when the token expires.
 * The policy allows the paths under `/tenants/<tenantId>/` of the calling stage ONLY: API
 * Gateway caches it per token and reuses it on every path, so a cached allow must never cover
 * another tenant's URL.
 * Any refusal throws `Unauthorized`, API Gateway's contract for answering 401, after ONE write: its
 * activity record (a stable reason code, activity/reason-codes.ts) in the tenant whose URL was
 * called. An allowed request writes nothing.
 *
 * Kept small for cold starts (no middy, no zod, no AWS SDK client: its GetItems and its one
 * kms:GetPublicKey are signed HTTP calls, store/lean-table.ts and signing/kms-public-key.ts; about
 * 67 KiB instead of 276, docs/performance.md). Logs carry the tenant and the outcome, never the
 * token or its hash.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { environment } from './commons/environment';
import { logger } from './commons/logger';
import { AccessTokenRefused, verifyAccessToken } from './oauth/access-token';
import { clientStillValid } from './oauth/active-client';
import { verificationKey } from './signing/verification-key';
import { readTenant, readToken, type TenantRecord } from './store/key-reads';
import { bearerCredential, hashesEqual, hashToken } from './credentials/secret-token';
import { settingsDigest } from './tenants/settings-digest';
import { TENANT_ID_PATTERN } from './tenants/tenant-id';
import { randomUUID } from 'node:crypto';
import { activitySettingsOf, expiryOf, type ActivityRecord } from './activity/activity-record';
import type { ReasonCode } from './activity/reason-codes';
import { activityItem } from './store/activity-layout';
import { leanPutActivityIfTenant, leanTable } from './store/lean-table';
import { tokenIdOf } from './credentials/token-id';
import { acceptsCredentials } from './tenants/tenant-status';
import { usageKeyOfTenant } from './tenants/usage-key';

const ACCESS_TOKEN_REASONS: Record<AccessTokenRefused['reason'], ReasonCode> = {
  malformed: 'jwt_malformed',
  'wrong algorithm': 'jwt_bad_algorithm',
  'bad signature': 'jwt_bad_signature',
  expired: 'jwt_expired',
  'not yet valid': 'jwt_not_yet_valid',
  'wrong claims': 'jwt_bad_claims',
};

/** Thrown inside the authorizer for a refusal: its reason code and, when known, the credential's own tenant and id. */
class Refused extends Error {
  constructor(
    readonly reason: ReasonCode,
    readonly credential?: { readonly tenantId: string; readonly credentialId: string; readonly tenant?: TenantRecord },
  ) {
    super(reason);
  }
}

function refuse(reason: ReasonCode, credential?: Refused['credential']): never {
  throw new Refused(reason, credential);
}

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const pathTenant = tenantInPath(event.methodArn);
  let authenticated: Authenticated;
  try {
    const credential = bearerCredential(event.authorizationToken);
    if (!credential) refuse('jwt_malformed');
    authenticated = credential.kind === 'secret token' ? await bySecretToken(credential.value) : await byAccessToken(credential.value);
    // A paused tenant is let through with its status: its handlers answer 503 + Retry-After
    // (http/request.ts), which an authorizer cannot. Disabled and deleting tenants are refused.
    if (!acceptsCredentials(authenticated.tenant.status)) refuse('tenant_disabled', authenticated);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await recordRefusal(error, pathTenant);
    throw new Error('Unauthorized', { cause: error });
  }
  const { tenant, clientId, credentialId } = authenticated;
  if (pathTenant !== undefined && pathTenant !== tenant.tenantId) {
    // A valid credential of another tenant: recorded in the tenant whose URL was called, without
    // naming the credential. The policy below still covers only its own tenant, so API Gateway
    // answers 403 here (and the cached decision keeps doing so for this URL).
    await recordRefusal(new Refused('credential_other_tenant'), pathTenant);
  }

  logger.info('authorized', { outcome: 'allow', tenantId: tenant.tenantId, credentialId });
  return {
    principalId: tenant.tenantId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: tenantResource(event.methodArn, tenant.tenantId) }],
    },
    // The settings' digest, not the settings: the handler caches the tenant's profile per digest
    // (http/profile-cache.ts), and a tenant's schema extensions would outgrow the context.
    context: {
      tenantId: tenant.tenantId,
      settingsVersion: settingsDigest(tenant.settings),
      credentialId,
      tenantStatus: tenant.status,
      ...(clientId ? { clientId } : {}),
    },
    // Selects the tenant's usage plan (its throttle, or the shared default), see tenants/usage-key.ts.
    usageIdentifierKey: usageKeyOfTenant(tenant),
  };
}

interface Authenticated {
  readonly tenant: TenantRecord;
  readonly tenantId: string;
  /** The secret token's id or the OAuth client's id (never the credential itself). */
  readonly credentialId: string;
  readonly clientId?: string;
}

async function bySecretToken(token: string): Promise<Authenticated> {
  const tokenHash = hashToken(token);
  const table = leanTable();
  const record = await readToken(table, tokenHash);
  if (!record || !hashesEqual(record.tokenHash, tokenHash)) refuse('token_unknown');
  const credentialId = tokenIdOf(record);
  const credential = { tenantId: record.tenantId, credentialId };
  if (record.revoked) refuse('token_revoked', credential);
  if (record.expiresAt !== undefined && record.expiresAt <= Date.now() / 1000) refuse('token_expired', credential);
  const tenant = await readTenant(table, record.tenantId);
  if (!tenant) refuse('tenant_unknown', credential);
  // A token older than its tenant belongs to an earlier tenant of the same id, deleted since (a
  // purge frees the id only a quarantine after the DELETE): never a credential of this one.
  if (Date.parse(record.created) < Date.parse(tenant.created) - EARLIER_TENANT_MARGIN_MS) refuse('token_unknown');
  return { tenant, tenantId: tenant.tenantId, credentialId };
}

/** Onboarding may write a token a moment before its tenant item; a re-created tenant is younger than any old token by the whole quarantine (6 s locally, minutes on AWS). */
const EARLIER_TENANT_MARGIN_MS = 5_000;

async function byAccessToken(token: string): Promise<Authenticated> {
  let claims;
  try {
    claims = await verifyAccessToken(token, await verificationKey(), { issuer: environment.oauthIssuer() });
  } catch (error) {
    if (error instanceof AccessTokenRefused) refuse(ACCESS_TOKEN_REASONS[error.reason]);
    throw error;
  }
  const table = leanTable();
  const [clientValid, tenant] = await Promise.all([
    clientStillValid(table, claims.tenantId, claims.clientId, claims.federated),
    readTenant(table, claims.tenantId),
  ]);
  const credential = { tenantId: claims.tenantId, credentialId: claims.clientId, ...(tenant ? { tenant } : {}) };
  if (!tenant) refuse('tenant_unknown', credential);
  if (!clientValid) refuse('client_revoked', credential);
  return { tenant, tenantId: tenant.tenantId, credentialId: claims.clientId, clientId: claims.clientId };
}

/**
 * One write: the refusal's record in the tenant whose URL was called (none without a tenant in the
 * path: log only). The credential is named only when it is that tenant's own. TOKEN authorizers are
 * given neither the request id nor the User-Agent, so the record has neither.
 */
async function recordRefusal(refusal: Refused, pathTenant: string | undefined): Promise<void> {
  const own = refusal.credential !== undefined && refusal.credential.tenantId === pathTenant;
  const reason: ReasonCode = refusal.credential && !own ? 'credential_other_tenant' : refusal.reason;
  logger.info('authorization refused', { outcome: reason, ...(pathTenant ? { tenantId: pathTenant } : {}) });
  if (pathTenant === undefined) return;
  const settings = activitySettingsOf(own ? refusal.credential?.tenant?.settings : undefined);
  // A tenant that turned recording off (known when the credential is its own; other refusals are not read for it).
  if (!settings.enabled) return;
  const record: ActivityRecord = {
    at: Date.now(),
    operation: 'authenticate',
    status: 401,
    outcome: 'failure',
    reason,
    ...(own && refusal.credential ? { credentialId: refusal.credential.credentialId } : {}),
  };
  try {
    await leanPutActivityIfTenant(activityItem(pathTenant, record, randomUUID(), expiryOf(record.at, settings), true));
  } catch (error) {
    logger.warn('refusal not recorded', { errorName: error instanceof Error ? error.name : 'unknown' });
  }
}

/** The tenant a method ARN's path names (`.../<stage>/<METHOD>/tenants/<t>/...`), when well-formed. */
export function tenantInPath(methodArn: string): string | undefined {
  const parts = methodArn.split('/');
  const tenantId = parts[3] === 'tenants' ? parts[4] : undefined;
  return tenantId !== undefined && TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` → every method and path of the tenant. */
export function tenantResource(methodArn: string, tenantId: string): string {
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn?.startsWith('arn:') || !stage) throw new Error('methodArn is not an execute-api method ARN');
  return `${apiArn}/${stage}/*/tenants/${tenantId}/*`;
}
