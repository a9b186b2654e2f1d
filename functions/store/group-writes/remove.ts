/**
 * Deleting a group at the version read, with its uniqueness items and a deletion note, if no writer
 * holds its lease; a lost race reads again. Its membership items go afterwards (the caller, then the
 * stream janitor). `check` is the caller's (If-Match): it may refuse the group as read by throwing.
 */
import { randomUUID } from 'node:crypto';
import { uniqueValuesOf } from '../../scim/schema/uniqueness';
import { countChange } from '../resource-counts';
import { keys } from '../keys';
import { deleteUnique, deletionNoteOf, type StoredResource } from '../resources';
import { ResourceNotFound, VersionConflict } from '../store-errors';
import { groupItemCondition } from './commit';
import { lockGroup, unlockGroup } from './lease';
import { readGroup } from './read';
import { OPTIMISTIC_ATTEMPTS, pauseOrGiveUp, timingOf, type GroupWriteScope } from './scope';
import { readUnleased } from './settle';
import { transact } from './transact';

export async function removeGroup(scope: GroupWriteScope, id: string, check: (current: StoredResource) => void): Promise<void> {
  const owner = randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    const current = await readUnleased(scope, id, owner);
    if (!current) continue;
    check(current);
    if (attempt > OPTIMISTIC_ATTEMPTS && (await deleteLocked(scope, id, check, owner))) return;
    try {
      await deleteGroup(scope, current);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      await pauseOrGiveUp(scope, attempt);
    }
  }
}

/** DELETE under the lease (see write.ts, writeLocked); false when the lease could not be taken. */
async function deleteLocked(scope: GroupWriteScope, id: string, check: (current: StoredResource) => void, owner: string): Promise<boolean> {
  const { db, tenantId } = scope;
  if (!(await lockGroup(db, tenantId, id, owner, timingOf(scope)))) return false;
  try {
    const record = await readGroup(db, tenantId, id);
    if (!record) throw new ResourceNotFound('Group', id);
    check(record.stored);
    await deleteGroup(scope, record.stored, owner);
    return true;
  } catch (error) {
    await unlockGroup(db, tenantId, id, owner);
    if (error instanceof VersionConflict) return false;
    throw error;
  }
}

/** One transaction: the group item (at the version read and unleased, or under `lockedBy`'s lease), its unique values, its deletion note. */
async function deleteGroup(scope: GroupWriteScope, stored: StoredResource, lockedBy?: string): Promise<void> {
  const { db, tenantId } = scope;
  await transact(
    db,
    [
      { Delete: { TableName: db.table, Key: keys.group(tenantId, stored.id), ...groupItemCondition(lockedBy, stored.version) } },
      ...uniqueValuesOf(scope.registry, 'Group', stored.resource).map((u) => deleteUnique(db, tenantId, 'Group', u, stored.id)),
      ...deletionNoteOf(db, tenantId, 'Group', stored),
      countChange(db, tenantId, 'Group', -1),
    ],
    [],
  );
}
