/**
 * A user's deletion removes its memberships (the request, then the janitor) without a group write,
 * so no `memberDelta` names them. Each such removal is written in one transaction with a departure
 * note (store/memberships.ts departMemberships), and only if the membership still existed: the note
 * is the removal's own cause. Its INSERT becomes the group's `remove_member` record for that user.
 * A group write's removal (its `memberDelta` records it) and a group's deletion (its `delete` record)
 * write no note, so nothing is recorded twice, whatever else the group did before the recorder ran.
 * Off the request path: the recorder reads the groups the batch's notes name, for their displayName.
 */
import type { ItemChange } from '../events/change-event';
import type { Db } from '../store/db';
import { getResourceItems } from '../store/resources';
import { describeStreamItem, type StreamItem } from '../store/stream-items';
import type { Derived } from './derive';

type Departure = Extract<StreamItem, { kind: 'departure' }> & { readonly recordId: string };

function departures(changes: readonly ItemChange[]): Departure[] {
  return changes.flatMap((change) => {
    if (change.eventName !== 'INSERT') return [];
    const item = describeStreamItem(change.newImage);
    return item.kind === 'departure' ? [{ ...item, recordId: change.recordId }] : [];
  });
}

function byTenant(notes: readonly Departure[]): Map<string, Departure[]> {
  const tenants = new Map<string, Departure[]>();
  for (const note of notes) tenants.set(note.tenantId, [...(tenants.get(note.tenantId) ?? []), note]);
  return tenants;
}

/** displayName of each group that still exists (one BatchGetItem per 100 groups). */
async function groupNames(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string | undefined>> {
  const names = new Map<string, string | undefined>();
  for (const item of await getResourceItems(db, tenantId, 'Group', [...new Set(ids)])) {
    const group = describeStreamItem(item);
    if (group.kind !== 'resource') continue;
    const name = group.resource.displayName;
    names.set(group.id, typeof name === 'string' ? name : undefined);
  }
  return names;
}

function removal(note: Departure, name: string | undefined) {
  return {
    record: {
      at: Number.isFinite(note.at) ? note.at : Date.now(),
      operation: 'remove_member' as const,
      resourceType: 'Group' as const,
      resourceId: note.groupId,
      ...(name !== undefined ? { identifier: name } : {}),
      memberId: note.userId,
      status: 200,
      outcome: 'success' as const,
    },
    unique: note.recordId,
  };
}

/** `remove_member` records for the memberships a batch's departure notes say a user's deletion removed. */
export async function departedMembers(db: Db, changes: readonly ItemChange[]): Promise<Derived[]> {
  const derived: Derived[] = [];
  for (const [tenantId, notes] of byTenant(departures(changes))) {
    const names = await groupNames(
      db,
      tenantId,
      notes.map((note) => note.groupId),
    );
    derived.push({ tenantId, records: notes.map((note) => removal(note, names.get(note.groupId))), aliases: [] });
  }
  return derived;
}
