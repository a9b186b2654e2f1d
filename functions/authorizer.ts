/**
 * API Gateway TOKEN authorizer: `Authorization: Bearer <token>` → tenant.
 *
 * One strongly consistent GetItem on the token's SHA-256 finds the token item, one more finds the
 * tenant. The policy allows the paths under `/tenants/<tenantId>/` of the calling stage ONLY: API
 * Gateway caches it per token and reuses it on every path, so a cached allow must never cover
 * another tenant's URL.
 * Any refusal throws `Unauthorized`, API Gateway's contract for answering 401.
 *
 * Kept small for cold starts (no middy, no zod). Logs carry the tenant and the outcome, never the
 * token or its hash.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { environment } from './commons/environment';
import { defaultDb } from './store/db';
import { getTenant, getToken } from './store/tenants';
import { bearerToken, hashesEqual, hashToken } from './tenants/token';
import { usageKeyOfTenant } from './tenants/usage-key';

const logger = new Logger({ serviceName: environment.serviceName() });

type Refusal = 'malformed' | 'unknown token' | 'expired token' | 'unknown tenant' | 'disabled tenant';

function refuse(outcome: Refusal, tenantId?: string): never {
  logger.info('authorization refused', { outcome, ...(tenantId ? { tenantId } : {}) });
  throw new Error('Unauthorized');
}

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event.authorizationToken);
  if (!token) refuse('malformed');
  const tokenHash = hashToken(token);
  const db = defaultDb();

  const record = await getToken(db, tokenHash);
  if (!record || !hashesEqual(record.tokenHash, tokenHash)) refuse('unknown token');
  if (record.expiresAt !== undefined && record.expiresAt <= Date.now() / 1000) refuse('expired token', record.tenantId);

  const tenant = await getTenant(db, record.tenantId);
  if (!tenant) refuse('unknown tenant', record.tenantId);
  if (tenant.status !== 'active') refuse('disabled tenant', tenant.tenantId);

  logger.info('authorized', { outcome: 'allow', tenantId: tenant.tenantId });
  return {
    principalId: tenant.tenantId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: tenantResource(event.methodArn, tenant.tenantId) }],
    },
    context: { tenantId: tenant.tenantId, settings: JSON.stringify(tenant.settings) },
    // Selects the tenant's usage plan (its throttle, or the shared default), see tenants/usage-key.ts.
    usageIdentifierKey: usageKeyOfTenant(tenant),
  };
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` → every method and path of the tenant. */
export function tenantResource(methodArn: string, tenantId: string): string {
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn?.startsWith('arn:') || !stage) throw new Error('methodArn is not an execute-api method ARN');
  return `${apiArn}/${stage}/*/tenants/${tenantId}/*`;
}
