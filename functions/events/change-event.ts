/**
 * Provisioning change events as RFC 9967 Security Event Tokens (SCIM Profile for SETs, on RFC 8417):
 * one SET claim set per changed resource and stream record, carried unsigned in the EventBridge
 * event's detail (the bus is the trust boundary; a receiver that needs a signed JWT signs it there).
 *
 *  - `sub_id` (RFC 9967 §2.1, format `scim`) names the resource by its relative `uri`, with `id`
 *    and, when known, `externalId`; `sub` is never used.
 *  - `events` is keyed by event URI (§2.4): `prov:create`, `prov:patch`, `prov:delete`,
 *    `prov:activate`, `prov:deactivate`. A record that both changes attributes and flips `active`
 *    is ONE SET with two event URIs ("the events arise from the same transaction", §2.1).
 *  - The `notice` form (default) lists attribute names (§2.2 `attributes`); the `full` form
 *    (deployment option SCIM_EVENT_FORM=full) carries the final representation in `data` instead.
 *  - Every payload carries the resource `version` as its ETag (§2.2).
 *  - Membership items are not resources: a membership change reaches receivers as the group's own
 *    version bump, a `prov:patch` listing `members`. A write that fits one transaction records its
 *    delta on the group item (store/group-writes/transact.ts), and the payload carries it: `members`
 *    `{added, removed}` (ids) in the notice form, `operations` (the PatchOp operations) in the full
 *    form. A larger write carries no list (read the members with GET).
 *  - `toe` (RFC 8417 §2.2, time of event) keeps milliseconds: it is the resource's `lastModified`,
 *    not the stream record's ApproximateCreationDateTime, which DynamoDB rounds (to the second in
 *    AWS, to the minute in DynamoDB Local: every event of a minute read `:00.000Z`).
 */
import { changedAttributes } from '../scim/resource/changes';
import { describeStreamItem, type MemberDelta, type StreamItem } from '../store/stream-items';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';

const PROV = 'urn:ietf:params:scim:event:prov';

export type EventForm = 'notice' | 'full';

/** RFC 9967 §2.4 event URIs this service emits (advertised as ServiceProviderConfig securityEvents.eventUris). */
export const eventUrisOf = (form: EventForm): string[] => [
  `${PROV}:create:${form}`,
  `${PROV}:patch:${form}`,
  `${PROV}:delete`,
  `${PROV}:activate`,
  `${PROV}:deactivate`,
];

export interface ScimSubjectId {
  readonly format: 'scim';
  /** Relative to the tenant's SCIM base URI: `/Users/<id>`. */
  readonly uri: string;
  readonly id: string;
  readonly externalId?: string;
}

/** One event's payload: exactly one of `attributes` (notice) or `data` (full), and the resource version. */
export interface EventPayload {
  readonly attributes?: readonly string[];
  readonly data?: Record<string, unknown>;
  /** Notice form: the member ids a group write added and removed. */
  readonly members?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** Full form: the same as RFC 7644 PatchOp operations on `members`. */
  readonly operations?: readonly Record<string, unknown>[];
  /** A large write's delta comes in several SETs of one version: this one's place (1-based) and their number (event streams only). */
  readonly chunk?: { readonly index: number; readonly count: number };
  /** The ETag of the resource after the event (`W/"3"`); on a delete, of the version deleted. */
  readonly version: string;
}

/** The SET claim set (RFC 8417 §2.2, RFC 9967 §2). */
export interface ScimSecurityEvent {
  readonly iss: string;
  /** Unique per SET and stable across redeliveries of the same stream record: receivers de-duplicate on it. */
  readonly jti: string;
  /** When the SET was issued (NumericDate, seconds). */
  readonly iat: number;
  /** When the change happened (NumericDate with milliseconds). */
  readonly toe: number;
  /** The write this event comes from (the stream record); events of one write share it. */
  readonly txn: string;
  /** The tenant's SCIM base path, the feed this event belongs to. */
  readonly aud: readonly string[];
  readonly sub_id: ScimSubjectId;
  readonly events: Readonly<Record<string, EventPayload>>;
  /** Private claims for routing (EventBridge rules match on them). */
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  /** Set when the event was reduced to fit a transport (functions/events/eventbridge.ts). */
  readonly note?: string;
}

/** A stream record reduced to what matters: the operation and the unmarshalled images. */
export interface ItemChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly oldImage?: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  /** Approximate creation time of the stream record (ISO 8601; DynamoDB rounds it). */
  readonly timestamp: string;
  /** The stream record's id. */
  readonly recordId: string;
}

export interface EventOptions {
  readonly form: EventForm;
  readonly issuer: string;
  /** Issue time (ms since epoch); now unless a test pins it. */
  readonly now?: number;
}

type ResourceItem = Extract<StreamItem, { kind: 'resource' }>;

export const etagOfVersion = (version: number): string => `W/"${version}"`;

/** The SET a stream record means, or undefined when it is not a change of a user or group. */
export function securityEventFor(change: ItemChange, options: EventOptions): ScimSecurityEvent | undefined {
  const before = describeStreamItem(change.oldImage);
  const after = describeStreamItem(change.newImage);
  const events = eventsOf(change.eventName, before, after, options.form);
  const item = after.kind === 'resource' ? after : before.kind === 'resource' ? before : undefined;
  if (!item || !events) return undefined;
  const externalId = typeof item.resource.externalId === 'string' ? item.resource.externalId : undefined;
  return {
    iss: options.issuer,
    jti: change.recordId,
    iat: Math.floor((options.now ?? Date.now()) / 1000),
    toe: timeOfEvent(change, item) / 1000,
    txn: change.recordId,
    aud: [`/tenants/${item.tenantId}/scim/v2`],
    sub_id: { format: 'scim', uri: `/${item.type}s/${item.id}`, id: item.id, ...(externalId !== undefined ? { externalId } : {}) },
    events,
    tenantId: item.tenantId,
    resourceType: item.type,
  };
}

function eventsOf(
  eventName: ItemChange['eventName'],
  before: StreamItem,
  after: StreamItem,
  form: EventForm,
): Record<string, EventPayload> | undefined {
  switch (eventName) {
    case 'INSERT':
      if (after.kind !== 'resource') return undefined;
      return {
        [`${PROV}:create:${form}`]: payload(
          after,
          [...Object.keys(after.resource).filter((k) => k !== 'schemas'), ...(hasDelta(after.memberDelta) ? ['members'] : [])].sort(),
          form,
          after.memberDelta,
        ),
      };
    case 'REMOVE':
      // RFC 9967 §2.4.4: a delete has no payload attributes and no notice/full qualifier.
      return before.kind === 'resource' ? { [`${PROV}:delete`]: { version: etagOfVersion(before.version) } } : undefined;
    case 'MODIFY':
      return before.kind === 'resource' && after.kind === 'resource' ? modifyEvents(before, after, form) : undefined;
  }
}

function modifyEvents(before: ResourceItem, after: ResourceItem, form: EventForm): Record<string, EventPayload> | undefined {
  const wasActive = before.resource.active !== false;
  const isActive = after.resource.active !== false;
  const flipped = after.type === 'User' && wasActive !== isActive;
  // An (de)activation is its own event URI; `active` is not repeated in the patch notice.
  let attributes = changedAttributes(after.type, before.resource, after.resource).filter((name) => !flipped || name !== 'active');
  // A version bump without attribute changes is a membership change (members are separate items). A
  // delta is this write's when the version moved or the delta is new (a group created leased commits
  // its members at version 1); a lease taken or released keeps both. A chunked delta's ids come in
  // the event streams' SETs (stream-sets.ts), not here.
  const fresh = after.version !== before.version || deltaKey(after) !== deltaKey(before);
  const delta = fresh ? after.memberDelta : undefined;
  if ((attributes.length === 0 && !flipped && fresh) || hasDelta(delta)) attributes = [...new Set([...attributes, 'members'])];
  const events: Record<string, EventPayload> = {};
  if (attributes.length > 0) events[`${PROV}:patch:${form}`] = payload(after, attributes, form, delta);
  if (flipped) events[`${PROV}:${isActive ? 'activate' : 'deactivate'}`] = { version: etagOfVersion(after.version) };
  return Object.keys(events).length > 0 ? events : undefined;
}

const deltaKey = (item: ResourceItem) => JSON.stringify(item.memberDelta ?? item.chunkedDelta ?? null);

const hasDelta = (delta: MemberDelta | undefined): delta is MemberDelta =>
  delta !== undefined && delta.added.length + delta.removed.length > 0;

function payload(item: ResourceItem, attributes: readonly string[], form: EventForm, delta?: MemberDelta): EventPayload {
  const version = etagOfVersion(item.version);
  const members = hasDelta(delta) ? delta : undefined;
  if (form === 'notice')
    return { attributes, version, ...(members ? { members: { added: members.added, removed: members.removed } } : {}) };
  return { data: representationOf(item, version), version, ...(members ? { operations: memberOperations(members) } : {}) };
}

/** A member delta as PatchOp operations (`add` then `remove`, each with its ids as values). */
function memberOperations(delta: MemberDelta): Record<string, unknown>[] {
  const values = (ids: readonly string[]) => ids.map((value) => ({ value }));
  return [
    ...(delta.added.length > 0 ? [{ op: 'add', path: 'members', value: values(delta.added) }] : []),
    ...(delta.removed.length > 0 ? [{ op: 'remove', path: 'members', value: values(delta.removed) }] : []),
  ];
}

/** The final representation (RFC 9967 §2.4 "full"), as a GET returns it minus group members. */
function representationOf(item: ResourceItem, version: string): Record<string, unknown> {
  const resource: ScimResource = item.resource;
  return { ...resource, id: item.id, meta: { resourceType: item.type, lastModified: item.lastModified, version } };
}

/**
 * The change's time with milliseconds: the resource's lastModified on creates and updates. A delete
 * has only the record's rounded time; it never reads earlier than the last modification.
 */
function timeOfEvent(change: ItemChange, item: ResourceItem): number {
  const recorded = Date.parse(change.timestamp);
  const modified = Date.parse(item.lastModified);
  if (change.eventName !== 'REMOVE' && !Number.isNaN(modified)) return modified;
  return Number.isNaN(modified) ? recorded : Math.max(recorded, modified);
}
