/**
 * Lambda entry: the tenant purge queue (SQS, lib/tenant-purge-queue.ts) → functions/tenants/tenant-purge.ts.
 * Each message names one tenant being deleted; the invocation purges it until shortly before its own
 * timeout and, when work is left, sends the next message itself. A failed message is retried by SQS
 * (its visibility timeout), then kept in the dead-letter queue, which is alarmed (docs/operations.md).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { environment } from './commons/environment';
import { logger } from './commons/logger';
import { defaultDb } from './store/db';
import { configuredPurgeQueue } from './tenants/purge-queue';
import { continuePurge } from './tenants/tenant-purge';
import { TENANT_ID_PATTERN } from './tenants/tenant-id';

/** No page starts this close to the timeout. */
const MARGIN_MS = 15_000;

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const tenantId = tenantOf(record.body);
    if (tenantId === undefined) {
      logger.warn('purge message without a tenant id dropped', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await continuePurge(defaultDb(), configuredPurgeQueue(), tenantId, {
        owner: `${context.awsRequestId}/${record.messageId}`,
        deadline: Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS,
        // A crashed invocation's lease is free again by the time SQS shows its message again.
        leaseUntil: Date.now() + context.getRemainingTimeInMillis(),
        quarantineMs: environment.tenantPurgeQuarantineSeconds() * 1000,
      });
      logger.info('tenant purge', { tenantId, ...outcome });
    } catch (error) {
      logger.error('tenant purge failed', { tenantId, errorName: error instanceof Error ? error.name : 'unknown' });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

function tenantOf(body: string): string | undefined {
  try {
    const { tenantId } = JSON.parse(body) as { tenantId?: unknown };
    return typeof tenantId === 'string' && TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
  } catch {
    return undefined;
  }
}
