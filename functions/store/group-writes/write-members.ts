/**
 * A change of members only, without If-Match (a PATCH of members): its adds and removes commute
 * with every other such change, so it is one transaction conditional only on an existing, unleased
 * group — no read first, and concurrent ones never retry. A replacement still conflicts with them,
 * because they bump the version it is conditional on. A replacement of all members, or more members
 * than one transaction holds, takes writeGroup's path.
 */
import { randomUUID } from 'node:crypto';
import { writtenBy } from '../../commons/request-scope';
import type { NetMemberChange } from '../../scim/patch/members';
import type { Db } from '../db';
import { keys } from '../keys';
import type { StoredResource } from '../resources';
import { ResourceNotFound, VersionConflict } from '../store-errors';
import { readGroup } from './read';
import { pauseOrGiveUp, type GroupWriteScope } from './scope';
import { settleLease } from './settle';
import { MEMBER_DELTA, memberDelta, membershipActions, transact, TRANSACTION_ACTIONS } from './transact';
import { writeGroup } from './write';

/** Returns the group as read after the change: this change, and possibly later ones (its ETag is answered). */
export async function writeMembers(scope: GroupWriteScope, id: string, members: NetMemberChange): Promise<StoredResource> {
  const { db, tenantId } = scope;
  const put = [...members.put];
  const remove = [...members.remove];
  if (members.exact || 1 + put.length + remove.length > TRANSACTION_ACTIONS) {
    return writeGroup(scope, id, (current) => ({ resource: current.resource, members }));
  }
  const owner = randomUUID();
  for (let attempt = 1; put.length + remove.length > 0; attempt += 1) {
    try {
      await commitMemberChange(db, tenantId, id, put, remove);
      break;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      // Gone, or leased by a large change: see which.
      const record = await readGroup(db, tenantId, id);
      if (!record) throw new ResourceNotFound('Group', id);
      if (record.lease) await settleLease(scope, record, owner);
      else await pauseOrGiveUp(scope, attempt);
    }
  }
  const record = await readGroup(db, tenantId, id);
  if (!record) throw new ResourceNotFound('Group', id);
  return record.stored;
}

/** One transaction: the version bump (no version condition) and the membership items. VersionConflict when the group is gone or leased. */
async function commitMemberChange(db: Db, tenantId: string, groupId: string, put: readonly string[], remove: readonly string[]) {
  await transact(
    db,
    [
      {
        Update: {
          TableName: db.table,
          Key: keys.group(tenantId, groupId),
          ...memberChangeUpdate(writtenBy().writtenBy, { added: put, removed: remove }),
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(leaseOwner)',
        },
      },
      ...membershipActions(db, tenantId, groupId, put, remove),
    ],
    [],
  );
}

/**
 * The version bump of a members-only change, stamped with who made it (the activity recorder reads it)
 * and with the members it added and removed (the event streams read that, functions/events/).
 */
function memberChangeUpdate(stamp: Record<string, unknown> | undefined, delta: { added: readonly string[]; removed: readonly string[] }) {
  return {
    UpdateExpression: `SET version = version + :one, lastModified = :now, ${MEMBER_DELTA} = :delta${stamp ? ', writtenBy = :stamp' : ' REMOVE writtenBy'}`,
    ExpressionAttributeValues: {
      ':one': 1,
      ':now': new Date().toISOString(),
      ':delta': memberDelta(delta.added, delta.removed)[MEMBER_DELTA] ?? { added: [], removed: [] },
      ...(stamp ? { ':stamp': stamp } : {}),
    },
  };
}
