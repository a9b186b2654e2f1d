/**
 * The tenant purge: after `DELETE /admin/v1/tenants/{id}` marked a tenant `deleting` (its
 * credentials refused, nothing of it served), this removes every item of it, then the tenant item,
 * so the id can be created again (docs/admin-api.md#deleting-a-tenant). It runs in bounded pages and
 * keeps its place on the tenant item, so any number of invocations (a Lambda per queue message, the
 * local server's loop) carry it to the end, and a crash repeats at most one page.
 *
 * Order matters: tokens first (nothing authenticates any more), then the OAuth clients and
 * federated credentials (no access token of the tenant verifies), event streams (no SET is written
 * for what follows), each group's members before the group, everything else in the tenant's
 * partition, the activity log. Then the purge waits until the quarantine after the deletion has
 * passed (API Gateway's cached authorizer decisions, the handlers' profile cache, the table stream's
 * consumers: whatever they let through or wrote late), sweeps every phase once more, and deletes the
 * tenant item last.
 */
import type { Db } from '../store/db';
import type { PurgeQueue } from './purge-queue';
import {
  activityPartitions,
  EVENT_STREAMS_PARTITION,
  eventStreamPrefix,
  idFromSortKey,
  membersPartition,
  outboxPartition,
  sortKeyPrefix,
  tenantOwnedPartitions,
  tenantPartition,
} from '../store/keys';
import {
  claimPurge,
  deleteKeys,
  deletePartitionPage,
  deletePurgedTenant,
  deleteTokenPage,
  partitionKeys,
  PurgeLeaseLost,
  recordPurgeProgress,
  releasePurge,
  type DeletedPage,
} from '../store/tenant-purge-items';

const STEPS = ['tokens', 'credentials', 'event-streams', 'groups', 'resources', 'activity'] as const;
type Step = (typeof STEPS)[number];

/** The phases in order: every step, the wait for the quarantine, every step again (`sweep:`), then the tenant item. */
export const PURGE_PHASES: readonly string[] = [...STEPS, 'settle', ...STEPS.map((step) => `sweep:${step}`)];

/** The phase after the last sweep: only the tenant item is left. */
const TENANT_ITEM_PHASE = 'tenant';

export const DEFAULT_PAGE_SIZE = 500;
/** Groups looked at per page of the `groups` step. */
const GROUPS_PER_PAGE = 25;

export interface PurgeOptions {
  /** Who holds the lease (an invocation's request id). */
  readonly owner: string;
  /** Epoch ms: no page starts after this. */
  readonly deadline: number;
  /** Until when the lease holds (epoch ms): at least the invocation's own end. */
  readonly leaseUntil: number;
  /** How long after the tenant was marked `deleting` the final sweep may start (ms). */
  readonly quarantineMs: number;
  /** Items per page (default 500). */
  readonly pageSize?: number;
  /** Stop after this many pages (the resume test stops after one). */
  readonly maxPages?: number;
}

export type PurgeOutcome =
  /** Everything is gone, the tenant item too. */
  | { readonly state: 'done'; readonly deleted: number }
  /** Not finished: call again after `retryAfterMs` (0: at once). */
  | { readonly state: 'more'; readonly deleted: number; readonly phase: string; readonly retryAfterMs: number }
  /** Nothing to do here: the tenant is not being deleted (any more), or another invocation holds it. */
  | { readonly state: 'skipped' };

/** Runs the purge of one tenant until done, the deadline, `maxPages` or the quarantine's wait. */
export async function purgeTenant(db: Db, tenantId: string, options: PurgeOptions): Promise<PurgeOutcome> {
  const progress = await claimPurge(db, tenantId, options.owner, options.leaseUntil, PURGE_PHASES[0] as string);
  if (!progress) return { state: 'skipped' };
  const settleAt = Date.parse(progress.deletingSince) + options.quarantineMs;
  let index = progress.phase === TENANT_ITEM_PHASE ? PURGE_PHASES.length : Math.max(0, PURGE_PHASES.indexOf(progress.phase));
  let deleted = 0;
  let finished = false;
  try {
    for (let pages = 0; pages < (options.maxPages ?? Infinity) && Date.now() < options.deadline;) {
      const phase = PURGE_PHASES[index];
      if (phase === undefined) {
        await deletePurgedTenant(db, tenantId, options.owner);
        finished = true;
        return { state: 'done', deleted: deleted + 1 };
      }
      if (phase === 'settle') {
        const wait = settleAt - Date.now();
        if (wait > 0) return { state: 'more', deleted, phase, retryAfterMs: wait };
        index += 1;
        await recordPurgeProgress(db, tenantId, options.owner, PURGE_PHASES[index] ?? TENANT_ITEM_PHASE, 0);
        continue;
      }
      const page = await runStep(db, tenantId, phase.replace(/^sweep:/, '') as Step, options.pageSize ?? DEFAULT_PAGE_SIZE);
      pages += 1;
      deleted += page.deleted;
      if (!page.more) index += 1;
      await recordPurgeProgress(db, tenantId, options.owner, PURGE_PHASES[index] ?? TENANT_ITEM_PHASE, page.deleted);
    }
    return { state: 'more', deleted, phase: PURGE_PHASES[index] ?? TENANT_ITEM_PHASE, retryAfterMs: 0 };
  } catch (error) {
    if (error instanceof PurgeLeaseLost) return { state: 'skipped' };
    throw error;
  } finally {
    if (!finished) await releasePurge(db, tenantId, options.owner);
  }
}

/**
 * One invocation's share (a queue message): the purge until the deadline, then, when work is left,
 * a message for the next invocation (delayed by the quarantine's remaining wait, if that is why).
 */
export async function continuePurge(db: Db, queue: PurgeQueue, tenantId: string, options: PurgeOptions): Promise<PurgeOutcome> {
  const outcome = await purgeTenant(db, tenantId, options);
  if (outcome.state === 'more') await queue.request(tenantId, outcome.retryAfterMs / 1000);
  return outcome;
}

function runStep(db: Db, tenantId: string, step: Step, size: number): Promise<DeletedPage> {
  switch (step) {
    case 'tokens':
      return deleteTokenPage(db, tenantId, size);
    case 'credentials':
      return firstNonEmpty(db, tenantOwnedPartitions(tenantId), size);
    case 'event-streams':
      return eventStreamPage(db, tenantId, size);
    case 'groups':
      return groupPage(db, tenantId, size);
    case 'resources':
      return deletePartitionPage(db, tenantPartition(tenantId), size);
    case 'activity':
      return firstNonEmpty(db, activityPartitions(tenantId), size);
  }
}

/** A page of the first of `partitions` that still holds items; `more` until all are empty. */
async function firstNonEmpty(db: Db, partitions: readonly string[], size: number): Promise<DeletedPage> {
  for (const partition of partitions) {
    const page = await deletePartitionPage(db, partition, size);
    if (page.deleted > 0) return { deleted: page.deleted, more: true };
  }
  return { deleted: 0, more: false };
}

/** One stream at a time: a page of its outbox (pending and dead SETs), and once that is empty the stream itself. */
async function eventStreamPage(db: Db, tenantId: string, size: number): Promise<DeletedPage> {
  const { keys: streams } = await partitionKeys(db, EVENT_STREAMS_PARTITION, 1, eventStreamPrefix(tenantId));
  const stream = streams[0];
  if (!stream) return { deleted: 0, more: false };
  const outbox = await deletePartitionPage(db, outboxPartition(tenantId, idFromSortKey(stream.SK, eventStreamPrefix(tenantId))), size);
  if (outbox.deleted > 0) return { deleted: outbox.deleted, more: true };
  await deleteKeys(db, [stream]);
  return { deleted: 1, more: true };
}

/**
 * Groups, each with its membership partition (members and any unfinished group-change intents)
 * deleted before the group item, so a crash never leaves members whose group cannot be found.
 */
async function groupPage(db: Db, tenantId: string, size: number): Promise<DeletedPage> {
  const { keys: groups } = await partitionKeys(db, tenantPartition(tenantId), GROUPS_PER_PAGE, sortKeyPrefix.group);
  if (groups.length === 0) return { deleted: 0, more: false };
  let deleted = 0;
  for (const group of groups) {
    const members = membersPartition(tenantId, idFromSortKey(group.SK, sortKeyPrefix.group));
    // Ids are stored as keyValue() leaves them (at most 256 bytes), so the partition is the one the group's members have.
    for (let page = { deleted: 1, more: true }; page.deleted > 0 || page.more;) {
      if (deleted >= size) return { deleted, more: true };
      page = await deletePartitionPage(db, members, size - deleted);
      deleted += page.deleted;
    }
    await deleteKeys(db, [group]);
    deleted += 1;
  }
  return { deleted, more: true };
}
