/**
 * cdk-nag findings (AwsSolutions and Serverless packs) accepted on purpose, each with its reason.
 * Anything not listed here fails `cdk synth` and test/cdk/nag.test.ts.
 */
import { Validations, type Stack } from 'aws-cdk-lib';

const ACKNOWLEDGED: { id: string; reason: string }[] = [
  {
    id: 'AwsSolutions-COG4',
    reason:
      'SCIM clients (Entra ID, Okta) authenticate with a static bearer token per tenant, not a Cognito session: every method uses the TOKEN Lambda authorizer.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Lets each function write its own CloudWatch logs; it grants nothing else.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: "API Gateway's account-level role for execution and access logs; this is the policy AWS documents for it.",
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Lambda active tracing).',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<ScimTable1660736D.Arn>/index/*]',
    reason: "Access to the table's own indexes (GSI1, the membership reverse index), granted by table.grant*.",
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<ScimonboardingFunction02C784D3.Arn>:*]',
    reason: 'The custom resource provider framework invokes any version of the onboarding function.',
  },
  {
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime this service is built and tested for (its ESM bundles target node22); moving runtimes is a tested change, not an automatic one.',
  },
  {
    id: 'AwsSolutions-APIG2',
    reason:
      "No request validator: the methods declare no required parameters and no body models, so one would validate nothing. The functions validate every body against the tenant's SCIM schemas and answer SCIM errors (400 invalidSyntax/invalidValue).",
  },
  {
    id: 'AwsSolutions-APIG3',
    reason:
      'Every method needs a tenant token checked by the authorizer (malformed headers are refused by the gateway before Lambda) and is throttled per tenant; a vendor can associate its own WAF web ACL with the stage.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<ScimFailedBatchesBucket9ED040D6.Arn>/*]',
    reason:
      'The stream consumers write failed batches (s3:PutObject only) under keys Lambda chooses (aws/lambda/<mapping>/<shard>/<date>/...): any object of their own failed-batch bucket.',
  },
  {
    id: 'AwsSolutions-S1',
    reason:
      'The failed-batch bucket is written only by Lambda (on-failure destination) and read by scim-admin events redrive; access is by IAM only, and CloudTrail data events are the vendor-wide choice for object-level audit.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    reason: 'The role AWS Backup assumes to snapshot the table (optional `backup` prop): the policy AWS documents and maintains for it.',
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'No function is invoked asynchronously: API Gateway invokes the SCIM, token and authorizer functions synchronously (a failure is an HTTP answer), the stream consumers send failed batches whole to the S3 on-failure destination (lib/dead-letters.ts), and CloudFormation waits for the custom resource functions.',
  },
  {
    id: 'Serverless-LambdaLatestVersion',
    reason:
      'Node.js 22 is the runtime this service is built and tested for (its ESM bundles target node22); moving runtimes is a tested change, not an automatic one.',
  },
  {
    id: 'Serverless-LambdaDefaultMemorySize',
    reason:
      "The custom resource provider framework's own function (CDK's, runs at deploy time only); every function of this project sets its memory.",
  },
  {
    id: 'Serverless-LambdaTracing',
    reason:
      "The custom resource provider framework's own function (CDK's, runs at deploy time only); every function of this project has active tracing.",
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    reason:
      "kms.Key.grantEncrypt on the event streams' secrets key (the admin function seals push Authorization headers): CDK's encrypt grant, on that one key only.",
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      "kms.Key.grantEncrypt on the event streams' secrets key (the admin function seals push Authorization headers): CDK's encrypt grant, on that one key only.",
  },
  {
    id: 'Serverless-EventBusDLQ',
    reason:
      "The event streams' delivery schedule invokes the delivery function every minute; an invocation EventBridge fails to make is made by the next tick (the outbox keeps the SETs), so a DLQ would hold nothing to act on.",
  },
  {
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      "The tenant purge's dead-letter queue (lib/tenant-purge-queue.ts) is itself the end of the redrive: its messages wait, alarmed, for an operator to fix the cause and redrive them to the purge queue.",
  },
  {
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason:
      "The tenant purge's SQS event source: a message that keeps failing goes to the queue's own dead-letter queue (redrive policy, alarmed); SQS event sources take no on-failure destination. The stream consumers have theirs (the failed-batch bucket).",
  },
  {
    id: 'Serverless-SNSRedrivePolicy',
    reason:
      "The alarm topic's email subscription: SNS retries email delivery itself, and an alarm stays in ALARM (visible on the dashboard) whether or not the mail arrived.",
  },
];

export function suppressKnownFindings(stack: Stack): void {
  for (const finding of ACKNOWLEDGED) Validations.of(stack).acknowledge(finding);
}
