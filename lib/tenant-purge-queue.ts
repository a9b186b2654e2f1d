/**
 * TenantPurge: the background removal of a deleted tenant's data (functions/tenant-purge-job.ts,
 * docs/admin-api.md#deleting-a-tenant). One SQS queue for every tenant (nothing per tenant here):
 * the admin API sends `{"tenantId"}` when it marks a tenant `deleting`, and the purge function sends
 * the next message itself while work is left (its place is kept on the tenant item, so a message is
 * only a wake-up). A message that keeps failing goes to the dead-letter queue, which is alarmed.
 *
 * Why a queue the admin API writes to, not the table's stream: the stream already feeds four
 * consumers (DynamoDB advises at most two readers per shard), and a queue gives what a job of many
 * invocations needs: delays (the quarantine before the last sweep), retries with a visibility
 * timeout longer than any invocation, a dead-letter queue, and a redrive.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobFunctionEntries } from '../functions/routes';
import type { EndpointServices } from './endpoint-services';

/** Each invocation stops starting pages 15 s before this (functions/tenant-purge-job.ts). */
const PURGE_TIMEOUT = Duration.minutes(2);
/** Receives before a message goes to the dead letters: each one either progressed or failed outright. */
const MAX_RECEIVES = 5;

export class TenantPurge extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly purgeFunction: NodejsFunction;

  constructor(scope: Construct, id: string, props: { readonly endpoint: EndpointServices; readonly quarantine: Duration }) {
    super(scope, id);
    const encrypted = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { ...encrypted, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encrypted,
      // AWS's advice for a Lambda event source: six times the function's timeout.
      visibilityTimeout: Duration.seconds(PURGE_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });
    this.purgeFunction = props.endpoint.createFunction('purge', jobFunctionEntries.purge, {
      memorySize: 512,
      timeout: PURGE_TIMEOUT,
      environment: { TENANT_PURGE_QUARANTINE_SECONDS: String(props.quarantine.toSeconds()) },
    });
    props.endpoint.grantTableAccess(this.purgeFunction, 'purge');
    // One message at a time per invocation; a few tenants purged at once, never a flood of table writes.
    this.purgeFunction.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, maxConcurrency: 5, reportBatchItemFailures: true }));
    this.grantRequest(this.purgeFunction);
  }

  /** Lets a function ask for purges (sqs:SendMessage on the queue, and its URL in the environment). */
  grantRequest(fn: lambda.Function): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('TENANT_PURGE_QUEUE_URL', this.queue.queueUrl);
  }
}
