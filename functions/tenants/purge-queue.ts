/**
 * Where a tenant's purge is asked for (tenants/tenant-purge.ts): the admin API when it marks a tenant
 * `deleting`, and the purge function itself when one invocation leaves work for the next. In AWS an
 * SQS queue (TENANT_PURGE_QUEUE_URL): one small message `{"tenantId"}`, SendMessage as one signed
 * JSON-protocol call (commons/aws-json-call.ts, no SQS client in the bundles). A retried send may
 * deliver twice: harmless, the purge takes a lease and a second message finds it taken or the work done.
 * The local server has no queue: its loop (local/tenant-purge-loop.ts) finds deleting tenants itself.
 */
import { awsJsonCall, type AwsCredentials, type AwsJsonService } from '../commons/aws-json-call';
import { environment } from '../commons/environment';

export interface PurgeQueue {
  /** Asks for (more of) the purge of `tenantId`, after `delaySeconds` (0–900). */
  request(tenantId: string, delaySeconds?: number): Promise<void>;
}

const SQS: AwsJsonService = { name: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' };
/** SQS's own cap on a message's delay. */
export const MAX_DELAY_SECONDS = 900;
const MAX_ATTEMPTS = 3;

/** The queue's region, from its URL (`https://sqs.<region>.amazonaws.com/...`); else AWS_REGION. */
const regionOfQueue = (url: string): string | undefined => /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(url)?.[1] ?? environment.region();

/** The queue at `queueUrl`, signed with `credentials` (default: the function's role, from the environment). */
export function sqsPurgeQueue(queueUrl: string, credentials: () => AwsCredentials = () => environment.awsCredentials()): PurgeQueue {
  return {
    async request(tenantId, delaySeconds = 0) {
      const region = regionOfQueue(queueUrl);
      if (!region) throw new Error('no region for the purge queue: set AWS_REGION');
      const endpoint = environment.awsEndpointUrl('SQS');
      await awsJsonCall(
        SQS,
        'SendMessage',
        {
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ tenantId }),
          DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
        },
        { region, ...(endpoint ? { endpoint } : {}), credentials, maxAttempts: MAX_ATTEMPTS },
      );
    },
  };
}

/** No queue: the local server's loop polls for deleting tenants. */
const polledPurges: PurgeQueue = { request: async () => undefined };

/** The queue the environment names, or none (local). */
export function configuredPurgeQueue(): PurgeQueue {
  const url = environment.tenantPurgeQueueUrl();
  return url ? sqsPurgeQueue(url) : polledPurges;
}
