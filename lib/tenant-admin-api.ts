/**
 * AdminApi: the tenant admin API (functions/admin-api.ts, docs/admin-api.md) on a ScimEndpoint's
 * RestApi and stage: `ANY /admin/v1/{proxy+}` with AWS_IAM authorization (SigV4; the vendor grants
 * `execute-api:Invoke` on the API's admin resources to its backend's role, see `invokeArn`) and no SCIM
 * authorizer, so neither a tenant's token nor an access token opens it, and its IAM credentials
 * open no SCIM route (those keep the TOKEN authorizer). The function gets exactly the table
 * actions lib/table-access.ts lists for `admin`.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { ADMIN_API_PATH, functionEntries } from '../functions/routes';
import type { EndpointServices } from './endpoint-services';

export class AdminApi extends Construct {
  readonly adminFunction: NodejsFunction;
  readonly method: apigateway.Method;

  constructor(scope: Construct, id: string, props: { readonly endpoint: EndpointServices }) {
    super(scope, id);
    const { endpoint } = props;
    this.adminFunction = endpoint.createFunction('admin', functionEntries.admin, {
      memorySize: 1024,
      timeout: Duration.seconds(29),
      // Federated credentials' JWKS hosts are checked against the deployment's list (docs/federation.md).
      environment: endpoint.federationEnvironment(),
    });
    endpoint.grantTableAccess(this.adminFunction, 'admin');
    const integration = new apigateway.LambdaIntegration(this.adminFunction, { proxy: true, allowTestInvoke: false });
    this.method = endpoint.api.root
      .resourceForPath(ADMIN_API_PATH)
      .addResource('{proxy+}')
      .addMethod('ANY', integration, { authorizationType: apigateway.AuthorizationType.IAM, apiKeyRequired: false });
  }

  /** The IAM resource a vendor's backend role needs `execute-api:Invoke` on. */
  invokeArn(endpoint: EndpointServices): string {
    return endpoint.api.arnForExecuteApi('*', `${ADMIN_API_PATH}/*`, endpoint.api.deploymentStage.stageName);
  }
}
