/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`). Context:
 *   tenantsFile  tenant config (default tenants.json)
 *   stackName    (default ScimServerless)
 * Environment: SCIM_FEDERATION_JWKS_HOSTS, extra hosts federated credentials' JWKS may be on (docs/federation.md).
 *   and the operations options of lib/app-context.ts (docs/construct.md), e.g.
 *   -c domainName=scim.vendor.example -c certificateArn=arn:aws:acm:... -c alarmEmail=ops@vendor.example
 * Synthesis is offline: no lookups, local esbuild bundling, cdk-nag AwsSolutions and Serverless checks.
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { environment } from '../functions/commons/environment';
import { endpointPropsFromContext } from '../lib/app-context';
import { loadTenantsFile } from '../functions/tenants/tenants-file';
import { ScimStack } from '../lib/scim-stack';

const app = new App();
const tenantsFile = resolve(String(app.node.tryGetContext('tenantsFile') ?? 'tenants.json'));
const stackName = String(app.node.tryGetContext('stackName') ?? 'ScimServerless');

new ScimStack(app, stackName, {
  tenants: loadTenantsFile(tenantsFile),
  endpoint: {
    // The same list validates tenants.json (above, through the environment) and goes to the functions.
    federationJwksHosts: environment.federationJwksHosts(),
    ...endpointPropsFromContext((key) => app.node.tryGetContext(key)),
  },
  description: 'SCIM 2.0 provisioning endpoint for Microsoft Entra ID and other IdPs',
  ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
app.synth();
