/** The application stack: one ScimEndpoint and the tenants of tenants.json onboarded on it. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TenantConfig } from '../functions/tenants/config';
import { ScimEndpoint, type ScimEndpointProps } from './scim-endpoint';
import { TenantOnboarding } from './tenant-onboarding';
import { TokenEndpoint } from './token-endpoint';
import { suppressKnownFindings } from './nag-suppressions';

export interface ScimStackProps extends StackProps {
  readonly tenants: readonly TenantConfig[];
  readonly endpoint?: ScimEndpointProps;
}

export class ScimStack extends Stack {
  readonly endpoint: ScimEndpoint;
  readonly onboarding: TenantOnboarding;
  readonly tokenEndpoint: TokenEndpoint;

  constructor(scope: Construct, id: string, props: ScimStackProps) {
    super(scope, id, props);
    this.endpoint = new ScimEndpoint(this, 'Scim', props.endpoint);
    this.onboarding = new TenantOnboarding(this, 'Tenants', { endpoint: this.endpoint, tenants: props.tenants });
    this.tokenEndpoint = new TokenEndpoint(this, 'OAuth', { endpoint: this.endpoint });
    for (const tenant of props.tenants) this.tokenEndpoint.addTenant(tenant.id);
    suppressKnownFindings(this);
  }
}
