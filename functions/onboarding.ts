/**
 * CloudFormation custom resource (one per tenant in tenants.json): tenant onboarding by deploy.
 *
 *  Create  tenant item (active), a fresh token into the tenant's Secrets Manager secret, its hash
 *          into the table. Re-adding a removed tenant re-enables it: its data was never deleted.
 *  Update  settings follow the config; a new `tokenVersion` rotates the token, and the previous
 *          one stays valid for `tokenOverlapHours`.
 *  Delete  the tenant is disabled and its token expires now; users and groups stay in the table.
 *
 * The token exists only in this function's memory and in Secrets Manager: never in the template,
 * the response Data, or a log line.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { defaultDb } from './store/db';
import { expireToken, getTenant, putTenant, putToken, setTenantStatus } from './store/tenants';
import { tenantSettingsSchema } from './tenants/config';
import { generateToken, hashToken, TOKEN_PATTERN } from './tenants/token';

const secrets = new SecretsManagerClient({});

interface TenantProperties {
  readonly tenantId: string;
  readonly displayName: string;
  readonly settings: string;
  readonly tokenVersion: string;
  readonly tokenOverlapHours: string;
  readonly secretArn: string;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> {
  const props = event.ResourceProperties as unknown as TenantProperties;
  const physicalId = `tenant/${props.tenantId}`;
  const db = defaultDb();
  if (event.RequestType === 'Delete') {
    if (await getTenant(db, props.tenantId)) await setTenantStatus(db, props.tenantId, 'disabled');
    await expireCurrentToken(props.secretArn, 0);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const settings = tenantSettingsSchema.parse(JSON.parse(props.settings));
  await putTenant(db, { tenantId: props.tenantId, displayName: props.displayName, status: 'active', settings });
  const old = event.RequestType === 'Update' ? (event.OldResourceProperties as unknown as TenantProperties) : undefined;
  const rotate = !old || old.tokenVersion !== props.tokenVersion || old.tenantId !== props.tenantId;
  if (rotate) {
    if (old) await expireCurrentToken(props.secretArn, Number(props.tokenOverlapHours) * 3600);
    const token = generateToken();
    await putToken(db, { tenantId: props.tenantId, tokenHash: hashToken(token) });
    await secrets.send(new PutSecretValueCommand({ SecretId: props.secretArn, SecretString: token }));
  }
  return { PhysicalResourceId: physicalId, Data: { tenantId: props.tenantId } };
}

/** The token now in the secret stops working after `seconds` (0: at once). */
async function expireCurrentToken(secretArn: string, seconds: number): Promise<void> {
  const current = await currentToken(secretArn);
  if (!current) return;
  try {
    await expireToken(defaultDb(), hashToken(current), Math.floor(Date.now() / 1000) + seconds);
  } catch (error) {
    // The token item is already gone (TTL): nothing to expire.
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}

async function currentToken(secretArn: string): Promise<string | undefined> {
  try {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    // The secret's initial placeholder (before the first Create finished) is not a token.
    return SecretString && TOKEN_PATTERN.test(SecretString) ? SecretString : undefined;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
