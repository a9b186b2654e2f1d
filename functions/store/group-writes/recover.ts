/**
 * Finishing the change of an expired lease (its holder is gone): take the lease over, apply the
 * stored change again (membership writes are idempotent) and commit it. This is why a change too
 * large for one transaction is never left half-applied. Its version carries the same member delta
 * as the holder's would have (group-deltas.ts), from the intent.
 */
import type { Db } from '../db';
import { fillMembers } from './fill';
import { finishLeased } from './finish';
import { readIntent } from './intent';
import { leaseExpiry, takeOverLease, unlockGroup, type LeaseTiming } from './lease';
import { allMembers, type GroupRecord } from './read';

/** Throws VersionConflict when someone else took the lease over first. */
export async function recoverExpiredLease(
  db: Db,
  tenantId: string,
  record: GroupRecord,
  owner: string,
  timing: LeaseTiming,
): Promise<void> {
  const lease = record.lease;
  if (!lease) return;
  const groupId = record.stored.id;
  await takeOverLease(db, tenantId, groupId, lease, owner, timing);
  const intent = await readIntent(db, tenantId, groupId, lease.intent);
  if (!intent) {
    // Locked (lockGroup) but stopped before storing a change: nothing to finish.
    await unlockGroup(db, tenantId, groupId, owner);
    return;
  }
  let remove = intent.remove;
  if (intent.exact) {
    const wanted = new Set(intent.put);
    const current = await allMembers(db, tenantId, groupId);
    remove = current.filter((id) => !wanted.has(id));
  }
  await fillMembers(db, tenantId, groupId, { put: intent.put, remove }, timing.writeDeadline, leaseExpiry(timing));
  await finishLeased(db, tenantId, {
    before: record.stored,
    owner,
    intentId: lease.intent,
    chunks: intent.chunks,
    resource: intent.resource,
    removedUniques: intent.removedUniques,
    // The delta the holder would have committed: a replacement's chunk items, written before its intent
    // (an intent stored by an earlier version lists the ids); else the stored puts and removes.
    delta: intent.exact ? (intent.deltaChunks ?? intent.delta) : { added: intent.put, removed: intent.remove },
  });
}
