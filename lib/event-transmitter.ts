/**
 * Event streams on a ScimEndpoint (docs/events.md):
 *  - `outbox`: a stream consumer (users and groups only) that signs SETs into the streams' outboxes,
 *    with a KMS ECC_NIST_P256 key used for events only (it alone may kms:Sign; the `ssf` function
 *    alone may kms:GetPublicKey, to publish the JWKS), whose policy names no role ARN but this
 *    deployment's role tags (lib/role-tagged-key.ts, as the access-token key);
 *  - `delivery`: RFC 8935 push, run by the outbox INSERTs on the table's stream and by a one-minute
 *    schedule (retries), the only function that may kms:Decrypt receivers' Authorization headers
 *    (sealed by a symmetric key of their own);
 *  - `ssf`: the public routes (functions/routes.ts `publicRoutes`): SSF metadata, JWKS, RFC 8936 poll.
 * The SSF issuer is the custom domain's origin when there is one (docs/operations.md), else the API's
 * default URL, built from the API id so that no function depends on the stage (which depends on the
 * methods, which depend on the functions).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { functionEntries, publicRoutes } from '../functions/routes';
import type { EndpointServices } from './endpoint-services';
import { deploymentId, roleTaggedSigningKey } from './role-tagged-key';

export interface EventStreamResources {
  readonly signingKey: kms.Key;
  readonly secretsKey: kms.Key;
  /** The SETs' `iss`; also the base of the poll URLs (writers of stream configurations need it). */
  readonly issuer: string;
  readonly functions: { readonly outbox: NodejsFunction; readonly delivery: NodejsFunction; readonly ssf: NodejsFunction };
  readonly schedule: events.Rule;
}

const roleOf = (fn: NodejsFunction): iam.IRole => {
  if (!fn.role) throw new Error(`${fn.node.id} needs an execution role`);
  return fn.role;
};

export function addEventStreams(endpoint: EndpointServices, stageName: string): EventStreamResources {
  const stack = Stack.of(endpoint);
  // With a custom domain the stage is mapped at its root: the issuer is the domain's origin.
  const issuer = endpoint.publicOrigin ?? `https://${endpoint.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${stageName}`;
  const resourceImage = (image: 'NewImage' | 'OldImage') =>
    lambda.FilterCriteria.filter({ dynamodb: { [image]: { entity: { S: lambda.FilterRule.or('User', 'Group') } } } });
  const outbox = endpoint.createStreamFunction('outbox', [resourceImage('NewImage'), resourceImage('OldImage')], { SSF_ISSUER: issuer });
  endpoint.grantTableAccess(outbox, 'outbox');
  const delivery = endpoint.createStreamFunction('delivery', [
    lambda.FilterCriteria.filter({
      eventName: lambda.FilterRule.isEqual('INSERT'),
      dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('EventSet') } } },
    }),
  ]);
  endpoint.grantTableAccess(delivery, 'delivery');
  const ssf = endpoint.createFunction('ssf', functionEntries.ssf, {
    memorySize: 512,
    timeout: Duration.seconds(29),
    environment: { SSF_ISSUER: issuer },
  });
  endpoint.grantTableAccess(ssf, 'ssf');

  const signingKey = roleTaggedSigningKey(endpoint, 'EventSigningKey', {
    description: 'Signs the SCIM event streams’ Security Event Tokens (ES256); used for events only',
    deployment: deploymentId(endpoint),
    uses: [
      { sid: 'OutboxSigns', action: 'kms:Sign', role: roleOf(outbox), tag: 'events-sign' },
      { sid: 'SsfPublishesPublicKey', action: 'kms:GetPublicKey', role: roleOf(ssf), tag: 'events-public-key' },
    ],
  });
  for (const fn of [outbox, ssf]) fn.addEnvironment('EVENTS_SIGNING_KEY_ARN', signingKey.keyArn);

  const secretsKey = new kms.Key(endpoint, 'EventSecretsKey', {
    description: 'Seals the Authorization headers SCIM event streams send to receivers',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  secretsKey.grantDecrypt(delivery);
  delivery.addEnvironment('EVENTS_SECRETS_KEY_ARN', secretsKey.keyArn);

  const schedule = new events.Rule(endpoint, 'EventDeliverySchedule', {
    description: 'Retries of event stream pushes that came due',
    schedule: events.Schedule.rate(Duration.minutes(1)),
    targets: [new targets.LambdaFunction(delivery, { retryAttempts: 0 })],
  });

  const integration = new apigateway.LambdaIntegration(ssf, { proxy: true, allowTestInvoke: false });
  for (const route of publicRoutes) {
    const method = endpoint.api.root
      .resourceForPath(route.path.replace(/^\//, ''))
      .addMethod('ANY', integration, { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: false });
    for (const finding of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(method).acknowledge({
        id: finding,
        reason:
          'Shared Signals public routes: metadata and public keys are public by design (SSF 1.0 §7); the poll endpoint checks the stream’s own poll credential (a bearer token whose hash the stream stores).',
      });
    }
  }
  return { signingKey, secretsKey, issuer, functions: { outbox, delivery, ssf }, schedule };
}
