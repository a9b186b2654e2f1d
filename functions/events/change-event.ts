/**
 * Provisioning change events, shaped after RFC 9967 (SCIM Profile for Security Event Tokens):
 * each event names its SCIM event URI, the tenant, the resource and what changed, never attribute
 * values (no PII beyond ids, no secrets). The JSON schema is in README "Change events".
 */
import { changedAttributes } from '../scim/resource/changes';
import { describeStreamItem, type StreamItem } from '../store/stream-items';
import type { ResourceTypeName } from '../scim/schema/types';

export const EVENT_URIS = {
  create: 'urn:ietf:params:scim:event:prov:create:notice',
  patch: 'urn:ietf:params:scim:event:prov:patch:notice',
  delete: 'urn:ietf:params:scim:event:prov:delete',
  activate: 'urn:ietf:params:scim:event:misc:activate',
  deactivate: 'urn:ietf:params:scim:event:misc:deactivate',
} as const;

export type ChangeKind = 'create' | 'update' | 'delete' | 'activate' | 'deactivate' | 'memberAdd' | 'memberRemove';

export interface ChangeEvent {
  readonly eventUri: (typeof EVENT_URIS)[keyof typeof EVENT_URIS];
  readonly change: ChangeKind;
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  /** The resource id (for membership changes: the group's). */
  readonly id: string;
  /** Canonical names of the attributes that changed (`members` for membership changes). */
  readonly attributes: readonly string[];
  /** The resource version after the change; absent on deletes and membership items. */
  readonly version?: number;
  /** The member for memberAdd/memberRemove. */
  readonly memberId?: string;
  /** When the change was made (ISO 8601). */
  readonly timestamp: string;
}

/** A stream record reduced to what matters: the operation and the unmarshalled images. */
export interface ItemChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly oldImage?: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  /** Approximate creation time of the stream record (ISO 8601). */
  readonly timestamp: string;
}

export function changeEventsFor(change: ItemChange): ChangeEvent[] {
  const before = describeStreamItem(change.oldImage);
  const after = describeStreamItem(change.newImage);
  const item = after.kind !== 'other' ? after : before;
  // Re-adding a member rewrites its item (MODIFY): membership did not change.
  if (item.kind === 'membership') return change.eventName === 'MODIFY' ? [] : [membershipEvent(change, item)];
  if (item.kind !== 'resource') return [];
  const base = { tenantId: item.tenantId, resourceType: item.type, id: item.id, timestamp: change.timestamp };
  switch (change.eventName) {
    case 'INSERT':
      return [{ ...base, eventUri: EVENT_URIS.create, change: 'create', attributes: Object.keys(item.resource), version: item.version }];
    case 'REMOVE':
      return [{ ...base, eventUri: EVENT_URIS.delete, change: 'delete', attributes: [] }];
    case 'MODIFY':
      return before.kind === 'resource' && after.kind === 'resource' ? modifyEvents(base, before, after) : [];
  }
}

type ResourceItem = Extract<StreamItem, { kind: 'resource' }>;

function modifyEvents(base: Pick<ChangeEvent, 'tenantId' | 'resourceType' | 'id' | 'timestamp'>, before: ResourceItem, after: ResourceItem): ChangeEvent[] {
  const wasActive = before.resource.active !== false;
  const isActive = after.resource.active !== false;
  const flipped = after.type === 'User' && wasActive !== isActive;
  // An (de)activation is its own event; `active` is not repeated in an update notice.
  const attributes = changedAttributes(after.type, before.resource, after.resource).filter((name) => !flipped || name !== 'active');
  const events: ChangeEvent[] = [];
  // A version bump without attribute changes is a membership change; its own events cover it.
  if (attributes.length > 0) {
    events.push({ ...base, eventUri: EVENT_URIS.patch, change: 'update', attributes, version: after.version });
  }
  if (flipped) {
    events.push({
      ...base,
      eventUri: isActive ? EVENT_URIS.activate : EVENT_URIS.deactivate,
      change: isActive ? 'activate' : 'deactivate',
      attributes: ['active'],
      version: after.version,
    });
  }
  return events;
}

function membershipEvent(change: ItemChange, item: Extract<StreamItem, { kind: 'membership' }>): ChangeEvent {
  const added = change.eventName !== 'REMOVE';
  return {
    eventUri: EVENT_URIS.patch,
    change: added ? 'memberAdd' : 'memberRemove',
    tenantId: item.tenantId,
    resourceType: 'Group',
    id: item.groupId,
    attributes: ['members'],
    memberId: item.userId,
    timestamp: change.timestamp,
  };
}
