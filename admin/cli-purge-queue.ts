/**
 * `scim-admin tenants delete --stack`: the purge is asked for on the stack's queue (its
 * TenantPurgeQueueUrl output), as the admin API asks for it, signed with the operator's credentials
 * as the SDK finds them (--profile, SSO, the environment). Without the output (a local table, or a
 * stack from before the purge) nothing is sent: npm start's loop finds deleting tenants itself.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '../lib/stack-outputs';
import { sqsPurgeQueue, type PurgeQueue } from '../functions/tenants/purge-queue';
import type { Connection } from './connection';

export function cliPurgeQueue(connection: Connection): PurgeQueue | undefined {
  const url = connection.outputs?.[STACK_OUTPUTS.tenantPurgeQueueUrl];
  if (!url) return undefined;
  return {
    async request(tenantId, delaySeconds) {
      // Any SDK client resolves the default credential chain; this one is already a dependency of the CLI.
      const client = new CloudFormationClient(connection.region ? { region: connection.region } : {});
      try {
        const identity = await client.config.credentials();
        await sqsPurgeQueue(url, () => identity).request(tenantId, delaySeconds);
      } finally {
        client.destroy();
      }
    },
  };
}
