/**
 * The application stack: one ScimEndpoint, the tenants.json seed (TenantOnboarding) and the token
 * endpoint. Its resources and outputs do not depend on the number of tenants (test/cdk/tenant-scale.test.ts).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TenantConfig } from '../functions/tenants/tenants-file';
import { ScimEndpoint, type ScimEndpointProps } from './scim-endpoint';
import { TenantOnboarding } from './tenant-onboarding';
import { TokenEndpoint } from './token-endpoint';
import { suppressKnownFindings } from './nag-suppressions';
import { STACK_OUTPUTS, STREAM_CONSUMERS } from './stack-outputs';

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
    this.addOpsOutputs();
    suppressKnownFindings(this);
  }

  /** What ops need from the stack; `scim-admin --stack <name>` finds the table (and secrets) here. */
  private addOpsOutputs(): void {
    const { endpoint } = this;
    new CfnOutput(this, STACK_OUTPUTS.apiUrl, {
      description: 'Base URL of the API (the custom domain when there is one); Tenant URLs are <ApiUrl>/tenants/<id>/scim/v2',
      value: endpoint.urlForPath('/'),
    });
    new CfnOutput(this, STACK_OUTPUTS.tableName, {
      description: 'The DynamoDB table (scim-admin --stack finds it here)',
      value: endpoint.table.tableName,
    });
    new CfnOutput(this, STACK_OUTPUTS.eventBusName, {
      description: 'EventBridge bus of the SCIM change events',
      value: endpoint.eventBus.eventBusName,
    });
    new CfnOutput(this, STACK_OUTPUTS.ssfIssuer, {
      description: 'Issuer of the event streams (SSF metadata at <SsfIssuer>/.well-known/ssf-configuration)',
      value: endpoint.eventStreams.issuer,
    });
    new CfnOutput(this, STACK_OUTPUTS.eventSecretsKeyArn, {
      description: 'KMS key sealing push streams’ Authorization headers (scim-admin streams add needs kms:Encrypt on it)',
      value: endpoint.eventStreams.secretsKey.keyArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.tenantPurgeQueueUrl, {
      description: 'Queue of tenant purges: scim-admin tenants delete asks for one there (needs sqs:SendMessage on it)',
      value: endpoint.tenantPurge.queue.queueUrl,
    });
    new CfnOutput(this, STACK_OUTPUTS.rateTiers, {
      description:
        'Rate tiers (tier usage plan names, default tier, usage key salt; no secret): scim-admin --stack gives tenants their keys with it',
      value: this.toJsonString(endpoint.rateTiers.portConfig()),
    });
    new CfnOutput(this, STACK_OUTPUTS.failedBatchBucket, {
      description: 'Stream batches every stream consumer failed after retries: scim-admin events redrive',
      value: endpoint.failedBatches.bucket.bucketName,
    });
    for (const consumer of STREAM_CONSUMERS) {
      new CfnOutput(this, STACK_OUTPUTS.streamConsumer(consumer), {
        description: `Function name of the stream ${consumer} (redrive tells its failed batches by it)`,
        value: endpoint.functions[consumer].functionName,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { description: 'SNS topic every alarm notifies', value: endpoint.alarms.topic.topicArn });
  }
}
