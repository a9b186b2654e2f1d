/**
 * Finishing a leased change: one transaction that writes the group's next version, drops the lease
 * and the intent items, and deletes the unique values the change gave up. Conditional on the lease
 * being still the finisher's. The version names the change's member delta as chunk items
 * (store/group-deltas.ts): a replacement's were written before its intent (commit.ts; a writer rolling
 * it forward finds them named in the intent, recover.ts), other changes' ids are written here.
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { writtenBy } from '../../commons/request-scope';
import { writeDeltaChunks } from '../group-deltas';
import { deleteUnique, toItem, type StoredResource } from '../resources';
import type { ChunkedDelta, MemberDelta } from '../stream-items';
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
  /** Who joined and who left, when known: the ids, or the chunk items already holding them. */
  readonly delta?: MemberDelta | ChunkedDelta;
}

export async function finishLeased(db: Db, tenantId: string, change: LeasedChange): Promise<StoredResource> {
  const { before, owner } = change;
  const after = nextVersion(before, change.resource);
  const delta = await deltaChunksOf(db, tenantId, before.id, change);
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

async function deltaChunksOf(db: Db, tenantId: string, groupId: string, change: LeasedChange): Promise<ChunkedDelta | undefined> {
  const delta = change.delta;
  if (!delta) return undefined;
  if ('deltaId' in delta) return delta;
  return delta.added.length + delta.removed.length > 0 ? writeDeltaChunks(db, tenantId, groupId, change.intentId, delta) : undefined;
}
