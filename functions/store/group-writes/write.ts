/**
 * The one loop a group change goes through (PUT, PATCH; HTTP, Bulk and the admin CLI): read the
 * group, wait out or finish another writer's lease, let the caller's plan compute the change from
 * what was read, and store it conditionally on that version. A lost race recomputes from the fresh
 * copy, so concurrent writes of one group end as some serial order of them. After a few lost races
 * the writer takes the lease first and computes under it, so it is certain to get its turn.
 *
 * The plan is the caller's (provisioning/group-service.ts): pure, from the group as read to the change
 * (undefined: nothing to change); it may throw (a failed If-Match, a PATCH that does not apply), and
 * then nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { equalJson } from '../../commons/json';
import type { NetMemberChange } from '../../scim/patch/members';
import type { ScimResource } from '../../scim/schema/types';
import type { StoredResource } from '../resources';
import { ResourceNotFound, UniqueValueTaken, VersionConflict } from '../store-errors';
import { commitGroupChange, type GroupChange } from './commit';
import { lockGroup, unlockGroup } from './lease';
import { allMembers, readGroup } from './read';
import { OPTIMISTIC_ATTEMPTS, pauseOrGiveUp, timingOf, type GroupWriteScope } from './scope';
import { readUnleased } from './settle';

export interface GroupPlan {
  /** The group's attributes after the change (the current ones when only members change). */
  readonly resource: ScimResource;
  /** Its members' change; members it adds must have been checked to be users of the tenant. */
  readonly members: NetMemberChange;
}

export type PlanGroupChange = (current: StoredResource) => GroupPlan | undefined;

/** Applies `plan` to the group as read, until it is stored at the version it was computed from. Returns the group as stored. */
export async function writeGroup(scope: GroupWriteScope, id: string, plan: PlanGroupChange): Promise<StoredResource> {
  const owner = randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    const current = await readUnleased(scope, id, owner);
    if (!current) continue;
    if (attempt > OPTIMISTIC_ATTEMPTS) {
      const written = await writeLocked(scope, id, plan, owner);
      if (written) return written;
      continue;
    }
    const planned = plan(current);
    const change = planned && (await changeOf(scope, current, planned));
    if (!change) return current;
    try {
      return await commitGroupChange(scope.db, scope.tenantId, change, owner, timingOf(scope));
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      await pauseOrGiveUp(scope, attempt);
    }
  }
}

/**
 * The pessimistic path: lease the group, read it, compute and commit under the lease. Undefined
 * when the lease could not be taken (gone, or leased by another: the caller's loop handles both).
 */
async function writeLocked(scope: GroupWriteScope, id: string, plan: PlanGroupChange, owner: string): Promise<StoredResource | undefined> {
  const { db, tenantId } = scope;
  if (!(await lockGroup(db, tenantId, id, owner, timingOf(scope)))) return undefined;
  let committing = false;
  try {
    const record = await readGroup(db, tenantId, id);
    if (!record) throw new ResourceNotFound('Group', id);
    const planned = plan(record.stored);
    const change = planned && (await changeOf(scope, record.stored, planned));
    if (!change) {
      await unlockGroup(db, tenantId, id, owner);
      return record.stored;
    }
    committing = true;
    return await commitGroupChange(db, tenantId, { ...change, lockedBy: owner }, owner, timingOf(scope));
  } catch (error) {
    // Before the commit, or a commit refused before anything was written (a unique value taken, a lost
    // lease): release. A commit that failed half-way keeps the lease: its stored change is rolled
    // forward by the next writer.
    if (!committing || error instanceof UniqueValueTaken || error instanceof VersionConflict) await unlockGroup(db, tenantId, id, owner);
    if (error instanceof VersionConflict) return undefined;
    throw error;
  }
}

/** The writes a planned change needs against the group as read; undefined when nothing changes. */
async function changeOf(scope: GroupWriteScope, before: StoredResource, planned: GroupPlan): Promise<GroupChange | undefined> {
  const { exact, put, remove } = planned.members;
  let change: GroupChange;
  if (exact) {
    const current = await allMembers(scope.db, scope.tenantId, before.id);
    const has = new Set(current);
    change = {
      before,
      resource: planned.resource,
      put: [...put].filter((userId) => !has.has(userId)),
      remove: current.filter((userId) => !put.has(userId)),
      members: [...put],
      registry: scope.registry,
    };
  } else {
    change = { before, resource: planned.resource, put: [...put], remove: [...remove], registry: scope.registry };
  }
  const unchanged = change.put.length === 0 && change.remove.length === 0 && equalJson(before.resource, planned.resource);
  return unchanged ? undefined : change;
}
