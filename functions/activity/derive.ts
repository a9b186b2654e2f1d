/**
 * Stream record → activity records, pure. A user or group item written inside a request's scope
 * carries `writtenBy` (commons/request-scope.ts): who (credential, client), which request, which
 * operation; a group its `memberDelta`, the members it added or removed. The change's attribute NAMES come from
 * comparing the old and new images. A delete leaves a deletion note (store/activity-items.ts) in
 * its own transaction. Records written directly on a request's path (refusals, failures, tokens)
 * come back here only for the health counters.
 */
import { hashedName, isHashedName } from '../commons/user-name-hash';
import { changedAttributes } from '../scim/resource/changes';
import type { ScimResource } from '../scim/schema/types';
import type { ItemChange } from '../events/change-event';
import type { ClientClass } from '../commons/request-scope';
import type { ActivityOperation, ActivityRecord } from './activity-record';

export interface Derived {
  readonly tenantId: string;
  /** Records to write, each with the unique suffix of its sort key (stable across redeliveries). */
  readonly records: { readonly record: ActivityRecord; readonly unique: string }[];
  /** userName → id aliases to write (creates and renames of users). */
  readonly aliases: { readonly name: string; readonly id: string }[];
  /** A record already in the table (written on a request's path): counted, not written again. */
  readonly direct?: ActivityRecord;
}

type Image = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function deriveActivity(change: ItemChange, hashUserNames: (tenantId: string) => boolean): Derived | undefined {
  const image = change.newImage ?? change.oldImage;
  const tenantId = text(image?.tenantId);
  if (!image || !tenantId) return undefined;
  const entity = image.entity;
  if (change.eventName === 'INSERT' && entity === 'Activity' && image.direct === true) {
    return { tenantId, records: [], aliases: [], direct: image as unknown as ActivityRecord };
  }
  if (change.eventName === 'INSERT' && entity === 'DeletionNote')
    return deletion(tenantId, image, change.recordId, hashUserNames(tenantId));
  if ((entity === 'User' || entity === 'Group') && change.newImage && typeof change.newImage.writtenBy === 'object') {
    return write(tenantId, change, hashUserNames(tenantId));
  }
  return undefined;
}

function identifierOf(tenantId: string, type: 'User' | 'Group', resource: Image | undefined, hash: boolean): string | undefined {
  const name = text(type === 'User' ? resource?.userName : resource?.displayName);
  if (name === undefined) return undefined;
  return type === 'User' && hash ? hashedName(tenantId, name) : name;
}

/**
 * Who joined and who left: the group item's `memberDelta` (store/group-writes/transact.ts; a large
 * write's chunks are read into it by the recorder first). Items written before it served both
 * consumers listed them on the stamp (`writtenBy.added/removed`): read there when it is absent.
 */
function memberListsOf(value: unknown): { added: string[]; removed: string[] } | undefined {
  if (typeof value !== 'object' || value === null || !('added' in value)) return undefined;
  const { added, removed } = value as Image;
  return { added: strings(added), removed: strings(removed) };
}

function stampOf(stamp: unknown) {
  const s = (stamp ?? {}) as Image;
  return {
    credentialId: text(s.credentialId),
    requestId: text(s.requestId),
    client: text(s.client) as ClientClass | undefined,
    route: text(s.operation),
    bulk: s.bulk === true,
    added: strings(s.added),
    removed: strings(s.removed),
    addedCount: typeof s.addedCount === 'number' ? s.addedCount : 0,
    removedCount: typeof s.removedCount === 'number' ? s.removedCount : 0,
  };
}

const common = (stamp: ReturnType<typeof stampOf>) => ({
  ...(stamp.credentialId ? { credentialId: stamp.credentialId } : {}),
  ...(stamp.requestId ? { requestId: stamp.requestId } : {}),
  ...(stamp.client ? { client: stamp.client } : {}),
  ...(stamp.route ? { route: stamp.route } : {}),
  ...(stamp.bulk ? { bulk: true } : {}),
});

function write(tenantId: string, change: ItemChange, hash: boolean): Derived | undefined {
  const after = change.newImage as Image;
  const before = change.oldImage;
  const created = change.eventName === 'INSERT';
  // A lease taken or released: no change. (A group created leased commits its members at version 1, with a new delta.)
  if (!created && before && before.version === after.version && JSON.stringify(before.memberDelta) === JSON.stringify(after.memberDelta))
    return undefined;
  const type = after.entity as 'User' | 'Group';
  const id = String(after.id);
  const stamp = stampOf(after.writtenBy);
  const at = Date.parse(String(after.lastModified)) || Date.now();
  const resource = after.resource as ScimResource | undefined;
  const previous = before?.resource as ScimResource | undefined;
  const changed = changedAttributes(type, created ? undefined : previous, resource);
  const delta = memberListsOf(after.memberDelta) ?? { added: stamp.added, removed: stamp.removed };
  const membersChanged = delta.added.length + delta.removed.length + stamp.addedCount + stamp.removedCount > 0;
  if (membersChanged && !changed.includes('members')) changed.push('members');
  const identifier = identifierOf(tenantId, type, resource, hash);
  const base = {
    at,
    resourceType: type,
    resourceId: id,
    ...(identifier !== undefined ? { identifier } : {}),
    outcome: 'success' as const,
    ...common(stamp),
  };
  const records: Derived['records'] = [
    {
      record: {
        ...base,
        operation: operationOf(created, type, stamp.route, previous, resource),
        changed,
        status: statusOf(created, type, stamp.route),
      },
      unique: change.recordId,
    },
  ];
  const member = (memberId: string, operation: ActivityOperation, index: number) => ({
    record: { ...base, operation, memberId, status: 200 },
    unique: `${change.recordId}.${operation === 'add_member' ? 'a' : 'r'}${index}`,
  });
  delta.added.forEach((memberId, i) => records.push(member(memberId, 'add_member', i)));
  delta.removed.forEach((memberId, i) => records.push(member(memberId, 'remove_member', i)));
  const aliases =
    type === 'User' && identifier !== undefined && (created || identifierOf(tenantId, type, previous, hash) !== identifier)
      ? [{ name: isHashedName(identifier) ? identifier : identifier.toLowerCase(), id }]
      : [];
  return { tenantId, records, aliases };
}

function operationOf(
  created: boolean,
  type: 'User' | 'Group',
  route: string | undefined,
  before?: ScimResource,
  after?: ScimResource,
): ActivityOperation {
  if (created) return 'create';
  if (type === 'User' && before && after && (before.active !== false) !== (after.active !== false)) {
    return after.active === false ? 'deactivate' : 'activate';
  }
  return route?.startsWith('PUT ') ? 'replace' : 'patch';
}

function statusOf(created: boolean, type: 'User' | 'Group', route: string | undefined): number {
  if (created) return 201;
  return type === 'Group' && route?.startsWith('PATCH ') ? 204 : 200;
}

function deletion(tenantId: string, note: Image, recordId: string, hash: boolean): Derived {
  const type = note.resourceType === 'Group' ? 'Group' : 'User';
  const name = text(note.identifier);
  // A hashing tenant's note already holds the hash (store/resources.ts deletionNoteOf).
  const identifier = name === undefined ? undefined : type === 'User' && hash && !isHashedName(name) ? hashedName(tenantId, name) : name;
  const record: ActivityRecord = {
    at: typeof note.at === 'number' ? note.at : Date.now(),
    operation: 'delete',
    resourceType: type,
    resourceId: String(note.id),
    ...(identifier !== undefined ? { identifier } : {}),
    status: 204,
    outcome: 'success',
    ...common(stampOf(note.writtenBy)),
  };
  return { tenantId, records: [{ record, unique: recordId }], aliases: [] };
}
