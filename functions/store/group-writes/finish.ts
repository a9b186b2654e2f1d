/**
 * Finishing a leased change: one transaction that writes the group's next version, drops the lease
 * and the intent items, and deletes the unique values the change gave up. Conditional on the lease
 * being still the finisher's. When the finisher knows exactly who joined and who left, it first writes
 * that delta as chunk items (store/group-deltas.ts) and the version names them; a writer rolling
 * forward someone else's change (recover.ts) reads it from the intent, except for a replacement too
 * large to store its delta (intent.ts): then the version says only that the members changed.
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { writtenBy } from '../../commons/request-scope';
import { writeDeltaChunks } from '../group-deltas';
import { deleteUnique, toItem, type StoredResource } from '../resources';
import type { MemberDelta } from '../stream-items';
import { intentDeletes } from './intent';
import { MEMBER_DELTA, nextVersion, transact } from './transact';

export interface LeasedChange {
  /** The group as it was when the change was computed (its next version is written). */
  readonly before: StoredResource;
  /** The lease holder finishing it. */
  readonly owner: string;
  /** Where the change is stored, and in how many chunks. */
  readonly intentId: string;
  readonly chunks: number;
  readonly resource: ScimResource;
  readonly removedUniques: readonly UniqueValue[];
  /** Who joined and who left, when known. */
  readonly delta?: MemberDelta;
}

export async function finishLeased(db: Db, tenantId: string, change: LeasedChange): Promise<StoredResource> {
  const { before, owner } = change;
  const after = nextVersion(before, change.resource);
  const delta =
    change.delta && change.delta.added.length + change.delta.removed.length > 0
      ? await writeDeltaChunks(db, tenantId, before.id, change.intentId, change.delta)
      : undefined;
  await transact(
    db,
    [
      {
        Put: {
          TableName: db.table,
          Item: { ...toItem(tenantId, 'Group', after), ...writtenBy(), ...(delta ? { [MEMBER_DELTA]: delta } : {}) },
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        },
      },
      ...intentDeletes(db, tenantId, before.id, change.intentId, change.chunks),
      ...change.removedUniques.map((u) => deleteUnique(db, tenantId, 'Group', u, before.id)),
    ],
    [],
  );
  return after;
}
