/**
 * Creating a group with its members, atomically at any size: with its uniqueness and membership items
 * in one transaction when they fit; else created already leased, with its members as the stored
 * change (intent.ts), then filled and committed (version 1) like any leased change — or rolled
 * forward by the next writer if this one stops. Members must have been checked to be users of the tenant.
 */
import { randomUUID } from 'node:crypto';
import { writtenBy } from '../../commons/request-scope';
import type { ScimResource } from '../../scim/schema/types';
import { uniqueValuesOf } from '../../scim/schema/uniqueness';
import { countChange } from '../resource-counts';
import { newStoredResource, putUnique, toItem, type StoredResource } from '../resources';
import { fillMembers } from './fill';
import { finishLeased } from './finish';
import { storeIntent } from './intent';
import { leaseExpiry } from './lease';
import { timingOf, type GroupWriteScope } from './scope';
import { memberDelta, membershipActions, transact, TRANSACTION_ACTIONS } from './transact';

export async function createGroup(scope: GroupWriteScope, resource: ScimResource, memberIds: readonly string[]): Promise<StoredResource> {
  const uniques = uniqueValuesOf(scope.registry, 'Group', resource);
  // One action more: the count change.
  return 2 + uniques.length + memberIds.length <= TRANSACTION_ACTIONS
    ? createInOneTransaction(scope, resource, memberIds)
    : createLeased(scope, resource, memberIds);
}

async function createInOneTransaction(
  scope: GroupWriteScope,
  resource: ScimResource,
  memberIds: readonly string[],
): Promise<StoredResource> {
  const { db, tenantId } = scope;
  const stored = newStoredResource(resource, 1);
  const { id } = stored;
  const uniques = uniqueValuesOf(scope.registry, 'Group', resource);
  await transact(
    db,
    [
      {
        Put: {
          TableName: db.table,
          Item: { ...toItem(tenantId, 'Group', stored), ...writtenBy(), ...memberDelta(memberIds, []) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...uniques.map((u) => putUnique(db, tenantId, 'Group', u, id)),
      ...membershipActions(db, tenantId, id, memberIds, []),
      // Last, after the positional actions transact() maps (store/resource-counts.ts).
      countChange(db, tenantId, 'Group', 1),
    ],
    uniques,
  );
  return stored;
}

async function createLeased(scope: GroupWriteScope, resource: ScimResource, memberIds: readonly string[]): Promise<StoredResource> {
  const { db, tenantId } = scope;
  const owner = randomUUID();
  const timing = timingOf(scope);
  const before = newStoredResource(resource, 0);
  const { id } = before;
  const expires = leaseExpiry(timing);
  const uniques = uniqueValuesOf(scope.registry, 'Group', resource);
  const lease = {
    Put: {
      TableName: db.table,
      Item: { ...toItem(tenantId, 'Group', { ...before, version: 1 }), leaseOwner: owner, leaseExpires: expires, leaseIntent: owner },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  const intent = { exact: false, put: memberIds, remove: [], resource, removedUniques: [] };
  // The group item exists from this transaction on: it carries the count change.
  const chunks = await storeIntent(db, tenantId, id, lease, uniques, owner, intent, [countChange(db, tenantId, 'Group', 1)]);
  await fillMembers(db, tenantId, id, { put: memberIds, remove: [] }, timing.writeDeadline, expires);
  return finishLeased(db, tenantId, {
    before,
    owner,
    intentId: owner,
    chunks,
    resource,
    removedUniques: [],
    delta: { added: memberIds, removed: [] },
  });
}
