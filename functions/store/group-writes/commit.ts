/**
 * Committing one computed change of a group, conditional on the version it was computed from (or
 * on the lease its writer holds): at most 100 item writes are ONE TransactWriteItems; a larger
 * change takes the lease and stores itself in one transaction (intent.ts), writes the members in
 * batches (fill.ts) and commits in one more (finish.ts).
 */
import type { ScimResource } from '../../scim/schema/types';
import type { SchemaRegistry } from '../../scim/schema/registry';
import { writtenBy } from '../../commons/request-scope';
import type { Db } from '../db';
import { writeDeltaChunks } from '../group-deltas';
import { keys } from '../keys';
import { deleteUnique, putUnique, toItem, uniqueChanges, type StoredResource } from '../resources';
import { fillMembers } from './fill';
import { finishLeased } from './finish';
import { storeIntent, type Intent } from './intent';
import { leaseExpiry, type LeaseTiming } from './lease';
import { memberDelta, membershipActions, nextVersion, transact, TRANSACTION_ACTIONS } from './transact';

/**
 * A change of one group, computed from the group as read at `before.version`: its attributes
 * after the change and the membership items to write (`put`) and delete (`remove`). `members` is
 * set for a replacement: the whole resulting member list.
 */
export interface GroupChange {
  readonly before: StoredResource;
  readonly resource: ScimResource;
  readonly put: readonly string[];
  readonly remove: readonly string[];
  readonly members?: readonly string[];
  /** The tenant's schemas: which attributes hold unique values. */
  readonly registry: SchemaRegistry;
  /** Set when the writer holds the group's lease (lockGroup): the change is conditional on that, not on a version. */
  readonly lockedBy?: string;
}

/** The condition of a write of the group item: the lease the writer holds, or the version it read and no lease. */
export const groupItemCondition = (lockedBy: string | undefined, version: number) =>
  lockedBy !== undefined
    ? { ConditionExpression: 'leaseOwner = :owner', ExpressionAttributeValues: { ':owner': lockedBy } as Record<string, unknown> }
    : {
        ConditionExpression: 'version = :expected AND attribute_not_exists(leaseOwner)',
        ExpressionAttributeValues: { ':expected': version } as Record<string, unknown>,
      };

/**
 * Stores the change if the group is still at `change.before.version` and unleased. Throws
 * VersionConflict (reload and recompute; also when the group got leased), UniqueValueTaken, or
 * GroupChangeUnfinished.
 */
export async function commitGroupChange(
  db: Db,
  tenantId: string,
  change: GroupChange,
  owner: string,
  timing: LeaseTiming,
): Promise<StoredResource> {
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  const fits = 1 + added.length + removed.length + change.put.length + change.remove.length <= TRANSACTION_ACTIONS;
  return fits ? commitSmall(db, tenantId, change) : commitLarge(db, tenantId, change, owner, timing);
}

async function commitSmall(db: Db, tenantId: string, change: GroupChange): Promise<StoredResource> {
  const after = nextVersion(change.before, change.resource);
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  const actions = [
    {
      Put: {
        TableName: db.table,
        Item: {
          ...toItem(tenantId, 'Group', after),
          ...writtenBy(),
          ...memberDelta(change.put, change.remove),
        },
        ...groupItemCondition(change.lockedBy, change.before.version),
      },
    },
    ...added.map((u) => putUnique(db, tenantId, 'Group', u, after.id)),
    ...removed.map((u) => deleteUnique(db, tenantId, 'Group', u, after.id)),
    ...membershipActions(db, tenantId, after.id, change.put, change.remove),
  ];
  await transact(db, actions, added);
  return after;
}

async function commitLarge(db: Db, tenantId: string, change: GroupChange, owner: string, timing: LeaseTiming): Promise<StoredResource> {
  const groupId = change.before.id;
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  const expires = leaseExpiry(timing);
  const condition = groupItemCondition(change.lockedBy === owner ? owner : undefined, change.before.version);
  const lease = {
    Update: {
      TableName: db.table,
      Key: keys.group(tenantId, groupId),
      UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires, leaseIntent = :intent',
      ConditionExpression: condition.ConditionExpression,
      ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':owner': owner, ':expires': expires, ':intent': owner },
    },
  };
  // The stored change: for a replacement the resulting member list (a recovering writer recomputes
  // the removals from the members it finds) and its delta's chunk items, written first (its leavers are
  // not bounded by the request: a whole group's worth of ids), else the puts and removes.
  const deltaChunks =
    change.members !== undefined && change.put.length + change.remove.length > 0
      ? await writeDeltaChunks(db, tenantId, groupId, owner, { added: change.put, removed: change.remove })
      : undefined;
  const intent: Intent =
    change.members !== undefined
      ? {
          exact: true,
          put: change.members,
          remove: [],
          resource: change.resource,
          removedUniques: removed,
          ...(deltaChunks ? { deltaChunks } : {}),
        }
      : { exact: false, put: change.put, remove: change.remove, resource: change.resource, removedUniques: removed };
  const chunks = await storeIntent(db, tenantId, groupId, lease, added, owner, intent);
  await fillMembers(db, tenantId, groupId, change, timing.writeDeadline, expires);
  return finishLeased(db, tenantId, {
    before: change.before,
    owner,
    intentId: owner,
    chunks,
    resource: change.resource,
    removedUniques: removed,
    delta: deltaChunks ?? { added: change.put, removed: change.remove },
  });
}
