/**
 * The transaction every group write ends in: the group item first, then its uniqueness items and
 * membership items. A failure of the group item's condition is a VersionConflict (the caller reads
 * again), a claimed unique value's is UniqueValueTaken. Also what a version of the group item holds:
 * the next version, and the member delta the event streams read.
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import { errorNamed } from '../../commons/error-named';
import type { Db } from '../db';
import { keys } from '../keys';
import { membershipItem } from '../memberships';
import type { StoredResource } from '../resources';
import { UniqueValueTaken, VersionConflict } from '../store-errors';
import { TransactionCancelled, transactWrite, type TransactItems } from '../transactions';

/** TransactWriteItems takes at most 100 actions. */
export const TRANSACTION_ACTIONS = 100;

export type TransactAction = TransactItems[number];

/** Runs a transaction whose first action is the group item: its failure is a conflict, a unique value's (`claimed`, next) is taken. */
export async function transact(db: Db, actions: TransactItems, claimed: readonly UniqueValue[]): Promise<void> {
  try {
    await transactWrite(db, actions);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const clash = error.failed.find((i) => i >= 1 && i <= claimed.length);
      if (clash !== undefined) throw new UniqueValueTaken('Group', claimed[clash - 1]?.attribute ?? 'value');
      throw new VersionConflict();
    }
    // Concurrent transactions on the group item that kept conflicting: the caller reloads and retries.
    if (errorNamed(error, 'TransactionCanceledException')) throw new VersionConflict();
    throw error;
  }
}

/** The membership items to write and delete, as transaction actions. */
export function membershipActions(db: Db, tenantId: string, groupId: string, put: readonly string[], remove: readonly string[]) {
  const now = new Date().toISOString();
  return [
    ...put.map((userId) => ({ Put: { TableName: db.table, Item: membershipItem(tenantId, groupId, userId, now) } })),
    ...remove.map((userId) => ({ Delete: { TableName: db.table, Key: keys.membership(tenantId, groupId, userId) } })),
  ];
}

/**
 * A group write records on the group item which members it added and removed, so the stream record
 * of that version says who joined and who left, for the event streams (docs/events.md, membership
 * deltas) and the activity log alike: the lists when the write fits one transaction (at most 99
 * ids), else the chunk items that hold them (finish.ts, store/group-deltas.ts).
 */
export const MEMBER_DELTA = 'memberDelta';
export function memberDelta(
  added: readonly string[],
  removed: readonly string[],
): { memberDelta?: { added: string[]; removed: string[] } } {
  return added.length + removed.length === 0 ? {} : { [MEMBER_DELTA]: { added: [...added], removed: [...removed] } };
}

/** The group as it is after a change of `before`. */
export const nextVersion = (before: StoredResource, resource: ScimResource): StoredResource => ({
  id: before.id,
  resource,
  version: before.version + 1,
  created: before.created,
  lastModified: new Date().toISOString(),
});
