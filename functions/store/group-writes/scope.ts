/**
 * What a group write needs to know about the request it serves (the tenant, its schemas, the
 * request's deadline), and the timing rules every group write shares: how long a lease outlives its
 * holder, how many optimistic attempts come before a lease, and how long to pause between them.
 */
import type { SchemaRegistry } from '../../scim/schema/registry';
import type { Db } from '../db';
import { GroupBusy } from '../store-errors';
import type { LeaseTiming } from './lease';

export interface GroupWriteScope {
  readonly db: Db;
  readonly tenantId: string;
  /** The tenant's schemas: which attributes hold unique values. */
  readonly registry: SchemaRegistry;
  /** Epoch ms by which the request must have answered: no write is sent, and no lease waited for, past it. */
  readonly deadline: number;
}

/**
 * How long a lease outlives its holder's last write: more than a BatchWriteItem sent just before
 * the holder's deadline can take, and enough to put the expiry past Lambda's 29 s timeout.
 */
const LEASE_MARGIN_MS = 10_000;

export const timingOf = (scope: GroupWriteScope): LeaseTiming => ({ writeDeadline: scope.deadline, marginMs: LEASE_MARGIN_MS });

/**
 * Optimistic attempts before a writer takes the lease first: a replacement racing a stream of member
 * adds (which need no version) could otherwise lose every time.
 */
export const OPTIMISTIC_ATTEMPTS = 3;

/** After a lost race: a short random pause, or GroupBusy when the request's time is up. */
export async function pauseOrGiveUp(scope: GroupWriteScope, attempt: number): Promise<void> {
  if (Date.now() >= scope.deadline) throw new GroupBusy(Date.now() + 1000);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** Math.min(attempt, 6))));
}
