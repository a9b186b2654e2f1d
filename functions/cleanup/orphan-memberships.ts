/**
 * Membership clean-up driven by the table's stream. Requests delete what they can within their
 * time budget (deleting a 100,000-member group answers at once); the janitor guarantees the rest:
 *  - a Group REMOVE record → every membership item of that group;
 *  - a User REMOVE record → that user's memberships in every group;
 *  - a Membership INSERT whose group or user no longer exists (a member added while the group or
 *    user was being deleted) → that membership (with a departure note when only the user is gone).
 * Work is idempotent, so at-least-once delivery and retries are safe.
 */
import type { ItemChange } from '../events/change-event';
import type { ResourceTypeName } from '../scim/schema/types';
import type { Db } from '../store/db';
import { deleteAllMembers, deleteMembershipsOfUser, departMemberships, removeMembers } from '../store/memberships';
import { getResources } from '../store/resources';
import { describeStreamItem, type StreamItem } from '../store/stream-items';

export interface JanitorResult {
  /** Index of the first change whose clean-up did not finish before the deadline. */
  readonly unfinished?: number;
  readonly deleted: number;
}

type Membership = Extract<StreamItem, { kind: 'membership' }>;

export async function cleanUp(db: Db, changes: readonly ItemChange[], deadline: number): Promise<JanitorResult> {
  let deleted = 0;
  const inserted = changes.map((change) => (change.eventName === 'INSERT' ? describeStreamItem(change.newImage) : undefined));
  const existing = await existingResources(
    db,
    inserted.filter((item): item is Membership => item?.kind === 'membership'),
  );
  for (const [index, change] of changes.entries()) {
    const item = inserted[index];
    if (item?.kind === 'membership') {
      deleted += await dropOrphan(db, item, existing);
      continue;
    }
    const result = await cleanUpRemoved(db, change, deadline);
    deleted += result.deleted;
    if (!result.complete) return { unfinished: index, deleted };
  }
  return { deleted };
}

async function cleanUpRemoved(db: Db, change: ItemChange, deadline: number): Promise<{ complete: boolean; deleted: number }> {
  if (change.eventName !== 'REMOVE') return { complete: true, deleted: 0 };
  const item = describeStreamItem(change.oldImage);
  if (item.kind !== 'resource') return { complete: true, deleted: 0 };
  return item.type === 'Group'
    ? deleteAllMembers(db, item.tenantId, item.id, { deadline })
    : deleteMembershipsOfUser(db, item.tenantId, item.id, { deadline });
}

const resourceKey = (tenantId: string, type: ResourceTypeName, id: string) => JSON.stringify([tenantId, type, id]);

/** Which groups and users named by the batch's new memberships exist: one BatchGet per 100 ids. */
async function existingResources(db: Db, memberships: readonly Membership[]): Promise<Set<string>> {
  const wanted = new Map<string, { tenantId: string; type: ResourceTypeName; ids: Set<string> }>();
  const want = (tenantId: string, type: ResourceTypeName, id: string) => {
    const group = JSON.stringify([tenantId, type]);
    const entry = wanted.get(group) ?? { tenantId, type, ids: new Set<string>() };
    entry.ids.add(id);
    wanted.set(group, entry);
  };
  for (const m of memberships) {
    want(m.tenantId, 'Group', m.groupId);
    want(m.tenantId, 'User', m.userId);
  }
  const found = new Set<string>();
  for (const { tenantId, type, ids } of wanted.values()) {
    for (const stored of await getResources(db, tenantId, type, [...ids])) found.add(resourceKey(tenantId, type, stored.id));
  }
  return found;
}

/** A member whose user is gone departs its still existing group with a note (the user's `remove_member`). */
async function dropOrphan(db: Db, m: Membership, existing: Set<string>): Promise<number> {
  const group = existing.has(resourceKey(m.tenantId, 'Group', m.groupId));
  const user = existing.has(resourceKey(m.tenantId, 'User', m.userId));
  if (group && user) return 0;
  if (group) return departMemberships(db, m.tenantId, m.userId, [m.groupId]);
  await removeMembers(db, m.tenantId, m.groupId, [m.userId]);
  return 1;
}
