/**
 * Finishing a leased change: one transaction that writes the group's next version, drops the lease
 * and the intent items, and deletes the unique values the change gave up. Conditional on the lease
 * being still the finisher's.
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { deleteUnique, toItem, type StoredResource } from '../resources';
import { intentDeletes } from './intent';
import { nextVersion, transact } from './transact';

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
}

export async function finishLeased(db: Db, tenantId: string, change: LeasedChange): Promise<StoredResource> {
  const { before, owner } = change;
  const after = nextVersion(before, change.resource);
  await transact(
    db,
    [
      {
        Put: {
          TableName: db.table,
          Item: toItem(tenantId, 'Group', after),
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
