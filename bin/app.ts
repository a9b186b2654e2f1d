/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`). Context:
 *   tenantsFile  tenant config (default tenants.json)
 *   stackName    (default ScimServerless)
 * Environment: SCIM_FEDERATION_JWKS_HOSTS, extra hosts federated credentials' JWKS may be on (docs/federation.md).
 * Synthesis is offline: no lookups, local esbuild bundling, cdk-nag AwsSolutions checks.
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environment } from '../functions/commons/environment';
import { loadTenantsFile } from '../functions/tenants/config';
import { ScimStack } from '../lib/scim-stack';

const app = new App();
const tenantsFile = resolve(String(app.node.tryGetContext('tenantsFile') ?? 'tenants.json'));
const stackName = String(app.node.tryGetContext('stackName') ?? 'ScimServerless');

new ScimStack(app, stackName, {
  tenants: loadTenantsFile(tenantsFile),
  // The same list validates tenants.json (above, through the environment) and goes to the functions.
  endpoint: { federationJwksHosts: environment.federationJwksHosts() },
  description: 'SCIM 2.0 provisioning endpoint for Microsoft Entra ID and other IdPs',
  ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
