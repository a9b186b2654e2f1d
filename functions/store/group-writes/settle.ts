/**
 * Another writer's lease in the way: wait for it (bounded by the request's deadline, then GroupBusy),
 * or finish its change when it has expired (recover.ts). Then the caller reads the group again.
 */
import type { StoredResource } from '../resources';
import { GroupBusy, ResourceNotFound, VersionConflict } from '../store-errors';
import { readGroup, type GroupRecord } from './read';
import { recoverExpiredLease } from './recover';
import { timingOf, type GroupWriteScope } from './scope';

export async function settleLease(scope: GroupWriteScope, record: GroupRecord, owner: string): Promise<void> {
  const lease = record.lease;
  if (!lease) return;
  const now = Date.now();
  if (lease.expires <= now) {
    try {
      await recoverExpiredLease(scope.db, scope.tenantId, record, owner, timingOf(scope));
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
    }
    return;
  }
  // A holder usually finishes within seconds; poll a few times a second until then.
  if (now + 200 >= scope.deadline) throw new GroupBusy(lease.expires);
  await new Promise((resolve) => setTimeout(resolve, Math.min(200, lease.expires - now) * (0.5 + Math.random() / 2)));
}

/**
 * The group as read (ResourceNotFound when it is not there); undefined when another writer's lease was
 * in the way: it has been settled (waited for, or rolled forward), and the caller reads again.
 */
export async function readUnleased(scope: GroupWriteScope, id: string, owner: string): Promise<StoredResource | undefined> {
  const record = await readGroup(scope.db, scope.tenantId, id);
  if (!record) throw new ResourceNotFound('Group', id);
  if (record.lease) {
    await settleLease(scope, record, owner);
    return undefined;
  }
  return record.stored;
}
