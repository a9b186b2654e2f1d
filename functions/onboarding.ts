/**
 * CloudFormation custom resource `Custom::ScimTenant` (lib/tenant-onboarding.ts): one per tenant of
 * tenants.json. Translates the CloudFormation event and delegates to functions/tenants/onboard.ts;
 * tokens go to Secrets Manager and never into the response.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { defaultDb } from './store/db';
import { onboard, type TenantDeclaration } from './tenants/onboard';
import { secretsManagerStore } from './tenants/secrets-manager-store';

const secretsManager = secretsManagerStore(new SecretsManagerClient({}));

/** Resource properties as lib/tenant-onboarding.ts writes them (CloudFormation passes strings). */
interface TenantProperties {
  readonly tenantId: string;
  readonly displayName: string;
  readonly settings: string;
  readonly tokenVersion: string;
  readonly tokenOverlapHours: string;
  readonly secretArn: string;
  /** OAuth client (lib/tenant-onboarding.ts sets them when tenants.json asks for one). */
  readonly oauthClient?: string;
  readonly oauthClientVersion?: string;
  readonly oauthSecretArn?: string;
  readonly tokenEndpoint?: string;
  /** JSON of tenants.json's federatedCredentials (lib/tenant-onboarding.ts). */
  readonly federatedCredentials?: string;
}

const declaration = (props: Record<string, unknown>): TenantDeclaration => {
  const p = props as unknown as TenantProperties;
  return {
    tenantId: p.tenantId,
    displayName: p.displayName,
    settings: p.settings,
    tokenVersion: p.tokenVersion,
    tokenOverlapHours: p.tokenOverlapHours,
    secretId: p.secretArn,
    ...(p.oauthClient !== undefined ? { oauthClient: p.oauthClient } : {}),
    ...(p.oauthClientVersion !== undefined ? { oauthClientVersion: p.oauthClientVersion } : {}),
    ...(p.oauthSecretArn !== undefined ? { oauthSecretId: p.oauthSecretArn } : {}),
    ...(p.tokenEndpoint !== undefined ? { tokenEndpoint: p.tokenEndpoint } : {}),
    ...(p.federatedCredentials !== undefined ? { federatedCredentials: p.federatedCredentials } : {}),
  };
};

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const tenant = declaration(event.ResourceProperties);
  const db = defaultDb();
  switch (event.RequestType) {
    case 'Create':
      await onboard(db, secretsManager, { kind: 'create', tenant });
      return { PhysicalResourceId: `tenant/${tenant.tenantId}` };
    case 'Update':
      await onboard(db, secretsManager, { kind: 'update', tenant, previous: declaration(event.OldResourceProperties) });
      return { PhysicalResourceId: `tenant/${tenant.tenantId}` };
    case 'Delete':
      await onboard(db, secretsManager, { kind: 'delete', tenant });
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}
