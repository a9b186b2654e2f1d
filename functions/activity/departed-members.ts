/**
 * A user's deletion removes its memberships (the request, then the janitor) without a group write,
 * so no `memberDelta` names them. A membership's REMOVE whose group still exists but whose user no
 * longer does is such a removal: it becomes the group's `remove_member` record for that user. Not
 * recorded twice: a group's deletion (the group is gone; its `delete` record says it), and a group
 * write's removal (its `memberDelta` names the user; also when the user was deleted right after).
 * Off the request path: the recorder reads the groups of a batch's removed memberships, then users.
 */
import type { ItemChange } from '../events/change-event';
import type { Db } from '../store/db';
import { getResourceItems, getResources } from '../store/resources';
import { describeStreamItem, type StreamItem } from '../store/stream-items';
import type { Derived } from './derive';

type Membership = Extract<StreamItem, { kind: 'membership' }> & { readonly recordId: string; readonly at: number };
type Group = Extract<StreamItem, { kind: 'resource' }>;

function removedMemberships(changes: readonly ItemChange[]): Membership[] {
  return changes.flatMap((change) => {
    if (change.eventName !== 'REMOVE') return [];
    const item = describeStreamItem(change.oldImage);
    return item.kind === 'membership' ? [{ ...item, recordId: change.recordId, at: Date.parse(change.timestamp) || Date.now() }] : [];
  });
}

function byTenant(memberships: readonly Membership[]): Map<string, Membership[]> {
  const tenants = new Map<string, Membership[]>();
  for (const m of memberships) tenants.set(m.tenantId, [...(tenants.get(m.tenantId) ?? []), m]);
  return tenants;
}

async function groupsOf(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, Group>> {
  const groups = new Map<string, Group>();
  for (const item of await getResourceItems(db, tenantId, 'Group', [...new Set(ids)])) {
    const group = describeStreamItem(item);
    if (group.kind === 'resource') groups.set(group.id, group);
  }
  return groups;
}

const removedByGroupWrite = (group: Group, userId: string) => group.memberDelta?.removed.includes(userId) === true;

function removal(m: Membership, group: Group) {
  const name = group.resource.displayName;
  return {
    record: {
      at: m.at,
      operation: 'remove_member' as const,
      resourceType: 'Group' as const,
      resourceId: m.groupId,
      ...(typeof name === 'string' ? { identifier: name } : {}),
      memberId: m.userId,
      status: 200,
      outcome: 'success' as const,
    },
    unique: m.recordId,
  };
}

/** `remove_member` records for the memberships a batch removed because their user was deleted. */
export async function departedMembers(db: Db, changes: readonly ItemChange[]): Promise<Derived[]> {
  const derived: Derived[] = [];
  for (const [tenantId, memberships] of byTenant(removedMemberships(changes))) {
    const groups = await groupsOf(
      db,
      tenantId,
      memberships.map((m) => m.groupId),
    );
    const candidates = memberships.filter((m) => {
      const group = groups.get(m.groupId);
      return group !== undefined && !removedByGroupWrite(group, m.userId);
    });
    if (candidates.length === 0) continue;
    const users = new Set((await getResources(db, tenantId, 'User', [...new Set(candidates.map((m) => m.userId))])).map((u) => u.id));
    const records = candidates.flatMap((m) => {
      const group = groups.get(m.groupId);
      return group && !users.has(m.userId) ? [removal(m, group)] : [];
    });
    if (records.length > 0) derived.push({ tenantId, records, aliases: [] });
  }
  return derived;
}
