/**
 * The one loop every group write goes through (PUT, PATCH, DELETE; HTTP, Bulk and the admin CLI):
 * read the group, wait out or finish another writer's lease, check If-Match, compute the change
 * from what was read, and store it conditionally on that version (store/group-writes.ts). A lost
 * race recomputes from the fresh copy — or is 412 when the client pinned a version with If-Match
 * (RFC 7644 §3.14). So concurrent writes of one group end as some serial order of them.
 */
import { randomUUID } from 'node:crypto';
import { notFound, ScimError } from '../scim/scim-error';
import { equalJson } from '../commons/json';
import type { NetMemberChange } from '../scim/patch/members';
import type { ScimResource } from '../scim/schema/types';
import {
  allMembers,
  commitGroupChange,
  commitMemberChange,
  memberChangeFitsOneTransaction,
  createGroupLeased,
  deleteGroup,
  GroupChangeUnfinished,
  lockGroup,
  unlockGroup,
  readGroup,
  recoverExpiredLease,
  type GroupChange,
  type GroupRecord,
  type LeaseTiming,
} from '../store/group-writes';
import type { StoredResource } from '../store/resources';
import { VersionConflict } from '../store/store-errors';
import type { TenantContext } from './context';
import { checkIfMatch } from './representation';

/**
 * How long a lease outlives its holder's last write: more than a BatchWriteItem sent just before
 * the holder's deadline can take, and enough to put the expiry past Lambda's 29 s timeout.
 */
const LEASE_MARGIN_MS = 10_000;

export interface PlannedChange {
  /** The group's attributes after the change (the current ones when only members change). */
  readonly resource: ScimResource;
  readonly members: NetMemberChange;
}

const busy = (retryAfterMs: number) =>
  new ScimError(503, 'The group is being changed by another request; retry shortly.', undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });

const timingOf = (ctx: TenantContext): LeaseTiming => ({ writeDeadline: ctx.deadline, marginMs: LEASE_MARGIN_MS });

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** Math.min(attempt, 6))));

/**
 * Applies `plan` (undefined: nothing to change) to the group as read, until it is stored at the
 * version it was computed from. Members named by the plan must have been validated already.
 */
export async function writeGroup(
  ctx: TenantContext,
  id: string,
  ifMatch: string | undefined,
  plan: (current: StoredResource) => PlannedChange | undefined,
): Promise<StoredResource> {
  const owner = randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    const current = await readUnleased(ctx, id, ifMatch, owner);
    if (!current) continue;
    if (attempt > OPTIMISTIC_ATTEMPTS) {
      const written = await writeLocked(ctx, id, ifMatch, plan, owner);
      if (written) return written;
      continue;
    }
    const planned = plan(current);
    const change = planned && (await changeOf(ctx, current, planned));
    if (!change) return current;
    try {
      return await commitGroupChange(ctx.db, ctx.tenantId, change, owner, timingOf(ctx));
    } catch (error) {
      if (error instanceof GroupChangeUnfinished) throw busy(error.retryAt - Date.now());
      if (!(error instanceof VersionConflict)) throw error;
      if (Date.now() >= ctx.deadline) throw busy(1000);
      await pause(attempt);
    }
  }
}

/**
 * Optimistic attempts before a writer takes the lease first: a replacement racing a stream of member
 * adds (which need no version) could otherwise lose every time.
 */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * The pessimistic path: lease the group, read it, compute and commit under the lease. Undefined
 * when the lease could not be taken (gone, or leased by another: the caller's loop handles both).
 */
async function writeLocked(
  ctx: TenantContext,
  id: string,
  ifMatch: string | undefined,
  plan: (current: StoredResource) => PlannedChange | undefined,
  owner: string,
): Promise<StoredResource | undefined> {
  try {
    await lockGroup(ctx.db, ctx.tenantId, id, owner, timingOf(ctx));
  } catch (error) {
    if (error instanceof VersionConflict) return undefined;
    throw error;
  }
  let committing = false;
  try {
    const record = await readGroup(ctx.db, ctx.tenantId, id);
    if (!record) throw notFound(`Group ${id} not found.`);
    checkIfMatch(ifMatch, record.stored);
    const planned = plan(record.stored);
    const change = planned && (await changeOf(ctx, record.stored, planned));
    if (!change) {
      await unlockGroup(ctx.db, ctx.tenantId, id, owner);
      return record.stored;
    }
    committing = true;
    return await commitGroupChange(ctx.db, ctx.tenantId, { ...change, lockedBy: owner }, owner, timingOf(ctx));
  } catch (error) {
    if (error instanceof GroupChangeUnfinished) throw busy(error.retryAt - Date.now());
    // Before the commit, or a commit refused before anything was written (uniqueness, a lost lease):
    // release. A commit that failed half-way keeps the lease: its stored change is rolled forward.
    if (!committing || error instanceof ScimError || error instanceof VersionConflict) await unlockGroup(ctx.db, ctx.tenantId, id, owner);
    if (error instanceof VersionConflict) return undefined;
    throw error;
  }
}

/**
 * A PATCH of members only, without If-Match: its adds and removes commute with every other such
 * PATCH, so it is one unconditional-on-version transaction (store commitMemberChange) and needs no
 * read first; concurrent ones never retry. Replacements and large changes take writeGroup's path.
 */
export async function writeMembers(ctx: TenantContext, id: string, members: NetMemberChange): Promise<StoredResource> {
  const put = [...members.put];
  const remove = [...members.remove];
  if (members.exact || !memberChangeFitsOneTransaction(put, remove)) {
    return writeGroup(ctx, id, undefined, (current) => ({ resource: current.resource, members }));
  }
  const owner = randomUUID();
  for (let attempt = 1; put.length + remove.length > 0; attempt += 1) {
    try {
      await commitMemberChange(ctx.db, ctx.tenantId, id, put, remove);
      break;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      // Gone, or leased by a large change: see which.
      const record = await readGroup(ctx.db, ctx.tenantId, id);
      if (!record) throw notFound(`Group ${id} not found.`);
      if (record.lease) await settleLease(ctx, record, owner);
      else if (Date.now() >= ctx.deadline) throw busy(1000);
      else await pause(attempt);
    }
  }
  // The ETag answered is of the group as read now: this change, and possibly later ones.
  const record = await readGroup(ctx.db, ctx.tenantId, id);
  if (!record) throw notFound(`Group ${id} not found.`);
  return record.stored;
}

/**
 * The group as read, checked against If-Match (404, 412); undefined when another writer's lease was
 * in the way: it has been settled (waited for, or rolled forward), and the caller reads again.
 */
async function readUnleased(
  ctx: TenantContext,
  id: string,
  ifMatch: string | undefined,
  owner: string,
): Promise<StoredResource | undefined> {
  const record = await readGroup(ctx.db, ctx.tenantId, id);
  if (!record) throw notFound(`Group ${id} not found.`);
  if (record.lease) {
    await settleLease(ctx, record, owner);
    return undefined;
  }
  checkIfMatch(ifMatch, record.stored);
  return record.stored;
}

/** Deletes the group at the version read; a lost race is re-read (404, 412 under If-Match, or retried). */
export async function removeGroup(ctx: TenantContext, id: string, ifMatch: string | undefined): Promise<void> {
  const owner = randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    const current = await readUnleased(ctx, id, ifMatch, owner);
    if (!current) continue;
    if (attempt > OPTIMISTIC_ATTEMPTS && (await deleteLocked(ctx, id, ifMatch, owner))) return;
    try {
      await deleteGroup(ctx.db, ctx.tenantId, current, ctx.profile.schemas);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (Date.now() >= ctx.deadline) throw busy(1000);
      await pause(attempt);
    }
  }
}

/** A group created with more members than one transaction holds (members validated already). */
export async function createLargeGroup(ctx: TenantContext, resource: ScimResource, memberIds: readonly string[]): Promise<StoredResource> {
  try {
    return await createGroupLeased(ctx.db, ctx.tenantId, resource, memberIds, randomUUID(), timingOf(ctx), ctx.profile.schemas);
  } catch (error) {
    if (error instanceof GroupChangeUnfinished) throw busy(error.retryAt - Date.now());
    throw error;
  }
}

/** DELETE under the lease (see writeLocked); false when the lease could not be taken. */
async function deleteLocked(ctx: TenantContext, id: string, ifMatch: string | undefined, owner: string): Promise<boolean> {
  try {
    await lockGroup(ctx.db, ctx.tenantId, id, owner, timingOf(ctx));
  } catch (error) {
    if (error instanceof VersionConflict) return false;
    throw error;
  }
  try {
    const record = await readGroup(ctx.db, ctx.tenantId, id);
    if (!record) throw notFound(`Group ${id} not found.`);
    checkIfMatch(ifMatch, record.stored);
    await deleteGroup(ctx.db, ctx.tenantId, record.stored, ctx.profile.schemas, owner);
    return true;
  } catch (error) {
    await unlockGroup(ctx.db, ctx.tenantId, id, owner);
    if (error instanceof VersionConflict) return false;
    throw error;
  }
}

/** Waits for an active lease (bounded by the request's deadline), or finishes an expired one. */
async function settleLease(ctx: TenantContext, record: GroupRecord, owner: string): Promise<void> {
  const lease = record.lease;
  if (!lease) return;
  const now = Date.now();
  if (lease.expires <= now) {
    try {
      await recoverExpiredLease(ctx.db, ctx.tenantId, record, owner, timingOf(ctx));
    } catch (error) {
      if (error instanceof GroupChangeUnfinished) throw busy(error.retryAt - Date.now());
      if (!(error instanceof VersionConflict)) throw error;
    }
    return;
  }
  // A holder usually finishes within seconds; poll a few times a second until then.
  if (now + 200 >= ctx.deadline) throw busy(lease.expires - now);
  await new Promise((resolve) => setTimeout(resolve, Math.min(200, lease.expires - now) * (0.5 + Math.random() / 2)));
}

/** The writes a planned change needs against the group as read; undefined when nothing changes. */
async function changeOf(ctx: TenantContext, before: StoredResource, planned: PlannedChange): Promise<GroupChange | undefined> {
  const { exact, put, remove } = planned.members;
  let change: GroupChange;
  if (exact) {
    const current = await allMembers(ctx.db, ctx.tenantId, before.id);
    const has = new Set(current);
    change = {
      before,
      resource: planned.resource,
      put: [...put].filter((userId) => !has.has(userId)),
      remove: current.filter((userId) => !put.has(userId)),
      members: [...put],
      registry: ctx.profile.schemas,
    };
  } else {
    change = { before, resource: planned.resource, put: [...put], remove: [...remove], registry: ctx.profile.schemas };
  }
  const unchanged = change.put.length === 0 && change.remove.length === 0 && equalJson(before.resource, planned.resource);
  return unchanged ? undefined : change;
}
