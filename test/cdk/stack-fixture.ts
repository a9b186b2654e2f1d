/** The app stack as tests synthesize it: bundling skipped (`aws:cdk:bundling-stacks: []`), two tenants (acme on the `large` tier). */
import { App } from 'aws-cdk-lib';
import { parseTenantsFile } from '../../functions/tenants/config';
import { ScimStack } from '../../lib/scim-stack';

export const TEST_TENANTS = parseTenantsFile({
  tenants: [
    { id: 'acme', displayName: 'Acme', rateTier: 'large', oauthClient: true },
    { id: 'contoso', displayName: 'Contoso', settings: { requiredAttributes: { User: ['phoneNumbers'] } } },
  ],
});

export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

export function testStack(app: App = testApp()): ScimStack {
  return new ScimStack(app, 'TestScim', { tenants: TEST_TENANTS });
}
