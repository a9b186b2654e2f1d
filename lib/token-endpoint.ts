/**
 * TokenEndpoint: OAuth 2.0 client credentials on a ScimEndpoint's API.
 *  - `POST /tenants/{tenantId}/oauth2/token` on the same API and stage, without the authorizer (the
 *    token function authenticates the client), with its own method throttle on the stage;
 *  - the signing key: a KMS ECC_NIST_P256 SIGN_VERIFY key whose policy lets ONLY the token
 *    function sign and ONLY the authorizer read the public key (the account keeps key
 *    administration, without sign or read). The key is retained and its policy names no role ARN
 *    (lib/role-tagged-key.ts, shared with the events signing key);
 *  - both functions get the key's ARN and the deployment's issuer (`iss`) in their environment;
 *  - `GET` of each tenant's RFC 8414 metadata at both AUTHORIZATION_SERVER_METADATA_PATHS, public;
 *  - the token function reaches federated credentials' JWKS hosts over the internet (no VPC) and
 *    gets the deployment's extra allowed hosts (ScimEndpointProps.federationJwksHosts); no new grant;
 *  - no output per tenant: a tenant's token URL is `tokenUrl(tenantId)` (the admin API's connection info).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { TOKEN_METHOD_NOT_ALLOWED } from '../functions/oauth/token-request';
import { AUTHORIZATION_SERVER_METADATA_PATHS, functionEntries, TOKEN_ENDPOINT_PATH } from '../functions/routes';
import type { EndpointServices } from './endpoint-services';
import type { ThrottleSettings } from './rate-tiers';
import { deploymentId, roleTaggedSigningKey } from './role-tagged-key';

export interface TokenEndpointProps {
  readonly endpoint: EndpointServices;
  /**
   * API Gateway throttle of the token method, for all tenants together. A client needs one token
   * per hour or so; this only bounds a flood. @default 20 rps, burst 40
   */
  readonly throttle?: ThrottleSettings;
  /** Tokens one tenant may be issued per minute (the function's fixed-window counter; authenticated requests only). @default 60 */
  readonly requestsPerTenantPerMinute?: number;
  /**
   * Failed client authentications per source IP, and per client id, per minute: past it that source
   * gets 429 before its credentials are read, and failures naming that client id get 429 (the right
   * secret is still served). Counted apart from issued tokens, so junk never spends a real client's budget. @default 30
   */
  readonly failedAuthenticationsPerMinute?: number;
  /** Concurrent executions reserved for the token function (also its cap); `false`: none. @default 10 */
  readonly reservedConcurrency?: number | false;
}

export class TokenEndpoint extends Construct {
  readonly signingKey: kms.Key;
  readonly tokenFunction: NodejsFunction;
  readonly method: apigateway.Method;
  /** `GET` of the tenants' RFC 8414 metadata (functions/oauth/server-metadata.ts): public, served by the token function. */
  readonly metadataMethods: apigateway.Method[];
  /** `iss` of this deployment's access tokens. */
  readonly issuer: string;
  private readonly endpoint: EndpointServices;

  constructor(scope: Construct, id: string, props: TokenEndpointProps) {
    super(scope, id);
    const { endpoint } = props;
    this.endpoint = endpoint;
    const deployment = deploymentId(endpoint);
    this.issuer = `urn:scim-serverless:${deployment}`;
    const authorizer = endpoint.functions.authorizer;
    if (!(authorizer instanceof lambda.Function)) throw new Error('the endpoint authorizer must be a lambda.Function');

    this.tokenFunction = endpoint.createFunction('token', functionEntries.token, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
      environment: {
        OAUTH_ISSUER: this.issuer,
        OAUTH_TOKEN_REQUESTS_PER_MINUTE: String(props.requestsPerTenantPerMinute ?? 60),
        OAUTH_FAILED_AUTHENTICATIONS_PER_MINUTE: String(props.failedAuthenticationsPerMinute ?? 30),
        ...endpoint.federationEnvironment(),
      },
    });
    endpoint.grantTableAccess(this.tokenFunction, 'token');
    endpoint.watchFunction('token', this.tokenFunction);
    const tokenRole = this.tokenFunction.role;
    const authorizerRole = authorizer.role;
    if (!tokenRole || !authorizerRole) throw new Error('the token function and the authorizer need execution roles');

    this.signingKey = roleTaggedSigningKey(this, 'SigningKey', {
      description: 'Signs the OAuth 2.0 access tokens of the SCIM endpoint (ES256)',
      deployment,
      uses: [
        { sid: 'TokenFunctionSigns', action: 'kms:Sign', role: tokenRole, tag: 'sign' },
        { sid: 'AuthorizerReadsPublicKey', action: 'kms:GetPublicKey', role: authorizerRole, tag: 'verify' },
      ],
    });
    this.tokenFunction.addEnvironment('OAUTH_SIGNING_KEY_ARN', this.signingKey.keyArn);
    authorizer.addEnvironment('OAUTH_SIGNING_KEY_ARN', this.signingKey.keyArn);
    authorizer.addEnvironment('OAUTH_ISSUER', this.issuer);

    const integration = new apigateway.LambdaIntegration(this.tokenFunction, { proxy: true, allowTestInvoke: false });
    const resource = endpoint.api.root.resourceForPath(TOKEN_ENDPOINT_PATH.replace(/^\//, ''));
    this.method = resource.addMethod('POST', integration, { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: false });
    // Every other method (POST is more specific than ANY): 405 with `Allow: POST` from API Gateway itself, no function runs.
    const otherMethods = resource.addMethod('ANY', methodNotAllowedIntegration(), {
      authorizationType: apigateway.AuthorizationType.NONE,
      apiKeyRequired: false,
      methodResponses: [
        { statusCode: '405', responseParameters: { 'method.response.header.Allow': true, 'method.response.header.Cache-Control': true } },
      ],
    });
    for (const method of [this.method, otherMethods]) {
      for (const finding of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(method).acknowledge({
          id: finding,
          reason:
            'The OAuth 2.0 token endpoint is where a client authenticates (client id and secret, RFC 6749 §2.3) to get the bearer token the authorizer checks.',
        });
      }
    }
    this.metadataMethods = this.addMetadataRoutes(integration);
    this.throttleMethod(props.throttle ?? { rateLimit: 20, burstLimit: 40 });
  }

  /**
   * RFC 8414 metadata at both AUTHORIZATION_SERVER_METADATA_PATHS: GET, no authorizer, no API key
   * (metadata is public, like the token endpoint itself); no other method exists there.
   */
  private addMetadataRoutes(integration: apigateway.LambdaIntegration): apigateway.Method[] {
    return AUTHORIZATION_SERVER_METADATA_PATHS.map((path) => {
      const method = this.endpoint.api.root
        .resourceForPath(path.replace(/^\//, ''))
        .addMethod('GET', integration, { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: false });
      for (const finding of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(method).acknowledge({
          id: finding,
          reason: 'RFC 8414 authorization server metadata is public by design: it tells clients where the token endpoint is.',
        });
      }
      return method;
    });
  }

  /** The URL a tenant's admin pastes into Entra as "Token endpoint". */
  tokenUrl(tenantId: string): string {
    return this.endpoint.urlForPath(TOKEN_ENDPOINT_PATH.replace('{tenantId}', tenantId));
  }

  /** A stage method setting for the token method, next to the stage-wide `/*` settings. */
  private throttleMethod(throttle: ThrottleSettings): void {
    const stage = this.endpoint.api.deploymentStage.node.defaultChild as apigateway.CfnStage;
    const existing = (stage.methodSettings ?? []) as apigateway.CfnStage.MethodSettingProperty[];
    stage.methodSettings = [
      ...existing,
      {
        httpMethod: 'POST',
        // Method settings name resources with `/` escaped as `~1`.
        resourcePath: `/${TOKEN_ENDPOINT_PATH.replace(/\//g, '~1')}`,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        dataTraceEnabled: false,
      },
    ];
  }
}

/** API Gateway's mock answer to a method the token endpoint does not serve (functions/oauth/token-request.ts). */
function methodNotAllowedIntegration(): apigateway.MockIntegration {
  const { status, headers, body } = TOKEN_METHOD_NOT_ALLOWED;
  return new apigateway.MockIntegration({
    passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
    requestTemplates: { 'application/json': JSON.stringify({ statusCode: status }) },
    integrationResponses: [
      {
        statusCode: String(status),
        responseParameters: {
          'method.response.header.Allow': `'${headers.Allow}'`,
          'method.response.header.Cache-Control': `'${headers['Cache-Control']}'`,
        },
        responseTemplates: { 'application/json': JSON.stringify(body) },
      },
    ],
  });
}
