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
 * Any refusal throws `Unauthorized`, API Gateway's contract for answering 401.
 *
 * Kept small for cold starts (no middy, no zod, no AWS SDK client: its GetItems and its one
 * kms:GetPublicKey are signed HTTP calls, store/lean-table.ts and oauth/kms-public-key.ts; about
 * 67 KiB instead of 276, docs/performance.md). Logs carry the tenant and the outcome, never the
 * token or its hash.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { environment } from './commons/environment';
import { logger } from './commons/logger';
import { AccessTokenRefused, verifyAccessToken } from './oauth/access-token';
import { clientStillValid } from './oauth/active-client';
import { verificationKey } from './oauth/verification-key';
import { leanTable } from './store/lean-table';
import { readTenant, readToken, type TenantRecord } from './store/key-reads';
import { bearerCredential, hashesEqual, hashToken } from './tenants/secret-token';
import { settingsDigest } from './tenants/settings-digest';
import { usageKeyOfTenant } from './tenants/usage-key';

type Refusal =
  | 'malformed'
  | 'unknown token'
  | 'expired token'
  | 'unknown tenant'
  | 'disabled tenant'
  | `access token: ${AccessTokenRefused['reason']}`
  | 'revoked client';

function refuse(outcome: Refusal, tenantId?: string): never {
  logger.info('authorization refused', { outcome, ...(tenantId ? { tenantId } : {}) });
  throw new Error('Unauthorized');
}

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const credential = bearerCredential(event.authorizationToken);
  if (!credential) refuse('malformed');
  const { tenant, clientId } =
    credential.kind === 'secret token' ? await bySecretToken(credential.value) : await byAccessToken(credential.value);
  if (tenant.status !== 'active') refuse('disabled tenant', tenant.tenantId);

  logger.info('authorized', { outcome: 'allow', tenantId: tenant.tenantId, ...(clientId ? { clientId } : {}) });
  return {
    principalId: tenant.tenantId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: tenantResource(event.methodArn, tenant.tenantId) }],
    },
    // The settings' digest, not the settings: the handler caches the tenant's profile per digest
    // (http/profile-cache.ts), and a tenant's schema extensions would outgrow the context.
    context: { tenantId: tenant.tenantId, settingsVersion: settingsDigest(tenant.settings), ...(clientId ? { clientId } : {}) },
    // Selects the tenant's usage plan (its throttle, or the shared default), see tenants/usage-key.ts.
    usageIdentifierKey: usageKeyOfTenant(tenant),
  };
}

interface Authenticated {
  readonly tenant: TenantRecord;
  readonly clientId?: string;
}

async function bySecretToken(token: string): Promise<Authenticated> {
  const tokenHash = hashToken(token);
  const table = leanTable();
  const record = await readToken(table, tokenHash);
  if (!record || !hashesEqual(record.tokenHash, tokenHash)) refuse('unknown token');
  if (record.expiresAt !== undefined && record.expiresAt <= Date.now() / 1000) refuse('expired token', record.tenantId);
  const tenant = await readTenant(table, record.tenantId);
  if (!tenant) refuse('unknown tenant', record.tenantId);
  return { tenant };
}

async function byAccessToken(token: string): Promise<Authenticated> {
  let claims;
  try {
    claims = await verifyAccessToken(token, await verificationKey(), { issuer: environment.oauthIssuer() });
  } catch (error) {
    if (error instanceof AccessTokenRefused) refuse(`access token: ${error.reason}`);
    throw error;
  }
  const table = leanTable();
  const [clientValid, tenant] = await Promise.all([
    clientStillValid(table, claims.tenantId, claims.clientId, claims.federated),
    readTenant(table, claims.tenantId),
  ]);
  if (!tenant) refuse('unknown tenant', claims.tenantId);
  if (!clientValid) refuse('revoked client', claims.tenantId);
  return { tenant, clientId: claims.clientId };
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` → every method and path of the tenant. */
export function tenantResource(methodArn: string, tenantId: string): string {
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn?.startsWith('arn:') || !stage) throw new Error('methodArn is not an execute-api method ARN');
  return `${apiArn}/${stage}/*/tenants/${tenantId}/*`;
}
