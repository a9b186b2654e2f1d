/**
 * TenantOnboarding: tenants declared in config (tenants.json) become tenants by deploy. Each gets
 * a Secrets Manager secret holding its token (written by the onboarding function, never by the
 * template), a custom resource that keeps the tenant item and token hash in the table, its own
 * throttle, and outputs with the Tenant URL and the secret's name.
 */
import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { TenantConfig } from '../functions/tenants/config';
import type { ScimEndpoint } from './scim-endpoint';
import { STACK_OUTPUTS } from './stack-outputs';
import { oauthClientProperties } from './token-endpoint';

export interface TenantOnboardingProps {
  readonly endpoint: ScimEndpoint;
  readonly tenants: readonly TenantConfig[];
}

export class TenantOnboarding extends Construct {
  /** Each tenant's token secret, by tenant id. */
  readonly secrets: Record<string, secretsmanager.Secret> = {};

  constructor(scope: Construct, id: string, props: TenantOnboardingProps) {
    super(scope, id);
    const { endpoint } = props;
    const onEvent = endpoint.createFunction('onboarding', 'functions/onboarding.ts', {
      memorySize: 256,
      timeout: Duration.minutes(1),
      // Declared federated credentials' JWKS hosts are checked again here (functions/tenants/onboard.ts).
      environment: endpoint.federationEnvironment(),
    });
    endpoint.grantTableAccess(onEvent, 'onboarding');
    const provider = new Provider(this, 'Provider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });

    for (const tenant of props.tenants) {
      const secret = new secretsmanager.Secret(this, `Token-${tenant.id}`, {
        description: `SCIM secret token of tenant ${tenant.id}: paste it into Entra as "Secret Token". Rotate by bumping tokenVersion.`,
      });
      secret.grantRead(onEvent);
      secret.grantWrite(onEvent);
      this.secrets[tenant.id] = secret;
      const resource = new CustomResource(this, `Tenant-${tenant.id}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::ScimTenant',
        properties: {
          tenantId: tenant.id,
          displayName: tenant.displayName,
          settings: JSON.stringify(tenant.settings),
          tokenVersion: String(tenant.tokenVersion),
          tokenOverlapHours: String(tenant.tokenOverlapHours),
          secretArn: secret.secretArn,
          // Tells the tenant item that this deploy gives it a usage plan of its own (created below).
          usagePlan: 'own',
          ...(tenant.federatedCredentials.length > 0 ? { federatedCredentials: JSON.stringify(tenant.federatedCredentials) } : {}),
          ...oauthClientProperties(this, endpoint, tenant, onEvent),
        },
      });
      resource.node.addDependency(endpoint.table);
      endpoint.addTenantThrottle(tenant.id, { rateLimit: tenant.rateLimit.rps, burstLimit: tenant.rateLimit.burst });
      // Stack-level ids, so the output keys are exactly STACK_OUTPUTS' (scim-admin --stack reads them).
      new CfnOutput(Stack.of(this), STACK_OUTPUTS.tenantUrl(tenant.id), {
        description: `Tenant URL of ${tenant.id}`,
        value: endpoint.tenantUrl(tenant.id),
      });
      new CfnOutput(Stack.of(this), STACK_OUTPUTS.tokenSecret(tenant.id), {
        description: `Secret holding the token of ${tenant.id}`,
        value: secret.secretArn,
      });
    }
  }
}
