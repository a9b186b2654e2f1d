/**
 * The local server's tenant purge (in AWS: functions/tenant-purge-job.ts on its SQS queue). Every
 * tick it looks for tenants marked `deleting` and runs a bounded purge pass for each that has none
 * running (functions/tenants/tenant-purge.ts). The progress is on the tenant item in DynamoDB Local,
 * so a server stopped mid-purge resumes where it was on its next start.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../functions/store/db';
import { pages, type StartKey } from '../functions/store/paging';
import { listTenantPage } from '../functions/store/tenants';
import { purgeTenant } from '../functions/tenants/tenant-purge';

export interface TenantPurgeLoop {
  stop(): Promise<void>;
}

export interface TenantPurgeLoopOptions {
  /** How long after `DELETE` the last sweep may run (the local authorizer's cache, stream lag). */
  readonly quarantineMs: number;
  readonly intervalMs?: number;
}

/** How long one local pass may run before it yields (and the next tick continues). */
const PASS_MS = 10_000;

export function startTenantPurgeLoop(db: Db, log: (line: string) => void, options: TenantPurgeLoopOptions): TenantPurgeLoop {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const pass = async (tenantId: string) => {
    const started = Date.now();
    const outcome = await purgeTenant(db, tenantId, {
      owner: `local-${randomUUID()}`,
      deadline: started + PASS_MS,
      leaseUntil: started + PASS_MS + 60_000,
      quarantineMs: options.quarantineMs,
    });
    if (outcome.state === 'done') log(`tenant ${tenantId}: purged (${outcome.deleted} items)`);
  };
  const tick = async () => {
    try {
      for (const tenantId of await deletingTenants(db)) {
        if (running.has(tenantId) || stopped) continue;
        const work = pass(tenantId)
          .catch((error: unknown) => log(`tenant purge ${tenantId}: ${error instanceof Error ? error.name : 'error'}`))
          .finally(() => running.delete(tenantId));
        running.set(tenantId, work);
      }
    } catch (error) {
      log(`tenant purge: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.intervalMs ?? 500);
  };
  timer = setTimeout(() => void tick(), options.intervalMs ?? 500);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(running.values());
    },
  };
}

/** The ids of the tenants marked `deleting`, from the tenant registry page by page. */
async function deletingTenants(db: Db): Promise<string[]> {
  const ids: string[] = [];
  const read = (startKey: StartKey | undefined) => listTenantPage(db, { limit: 200, ...(startKey ? { startKey } : {}) });
  for await (const page of pages(read)) ids.push(...page.items.filter((t) => t.status === 'deleting').map((t) => t.tenantId));
  return ids;
}
