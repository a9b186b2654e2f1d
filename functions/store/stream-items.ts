/**
 * Reading table items out of stream records: which kind of item changed, for whom. Item layouts
 * belong to the store, so the change-event publisher asks here instead of reading attributes.
 */
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';

export interface MemberDelta {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** A large write's delta, written as chunk items (store/group-deltas.ts); the group version names them. */
export interface ChunkedDelta {
  readonly deltaId: string;
  readonly chunks: number;
  readonly addedCount: number;
  readonly removedCount: number;
}

const idsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function memberDeltaOf(value: unknown): MemberDelta | undefined {
  if (typeof value !== 'object' || value === null || 'deltaId' in value) return undefined;
  const { added, removed } = value as Record<string, unknown>;
  return { added: idsOf(added), removed: idsOf(removed) };
}

function chunkedDeltaOf(value: unknown): ChunkedDelta | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { deltaId, chunks, addedCount, removedCount } = value as Record<string, unknown>;
  return typeof deltaId === 'string' && typeof chunks === 'number'
    ? { deltaId, chunks, addedCount: Number(addedCount) || 0, removedCount: Number(removedCount) || 0 }
    : undefined;
}

export type StreamItem =
  | {
      readonly kind: 'resource';
      readonly type: ResourceTypeName;
      readonly tenantId: string;
      readonly id: string;
      readonly resource: ScimResource;
      readonly version: number;
      readonly lastModified: string;
      /** A group write's added and removed member ids, when it recorded them (store/group-writes/transact.ts). */
      readonly memberDelta?: MemberDelta;
      /** A large group write's delta, in chunk items to read (store/group-deltas.ts). */
      readonly chunkedDelta?: ChunkedDelta;
    }
  | { readonly kind: 'membership'; readonly tenantId: string; readonly groupId: string; readonly userId: string }
  /** A deleted user's membership removed with its note (store/memberships.ts departMemberships); `at` in ms. */
  | { readonly kind: 'departure'; readonly tenantId: string; readonly groupId: string; readonly userId: string; readonly at: number }
  | { readonly kind: 'eventSet'; readonly tenantId: string; readonly streamId: string }
  | { readonly kind: 'other' };

/** `image` is an unmarshalled item (plain JSON), as `unmarshall(record.dynamodb.NewImage)` gives. */
export function describeStreamItem(image: Record<string, unknown> | undefined): StreamItem {
  if (!image) return { kind: 'other' };
  const { entity, tenantId } = image;
  if (typeof tenantId !== 'string') return { kind: 'other' };
  if ((entity === 'User' || entity === 'Group') && typeof image.id === 'string') {
    return {
      kind: 'resource',
      type: entity,
      tenantId,
      id: image.id,
      resource: (image.resource ?? {}) as ScimResource,
      version: Number(image.version),
      lastModified: String(image.lastModified),
      ...(entity === 'Group' && memberDeltaOf(image.memberDelta) ? { memberDelta: memberDeltaOf(image.memberDelta) } : {}),
      ...(entity === 'Group' && chunkedDeltaOf(image.memberDelta) ? { chunkedDelta: chunkedDeltaOf(image.memberDelta) } : {}),
    };
  }
  if (entity === 'Membership' && typeof image.groupId === 'string' && typeof image.userId === 'string') {
    return { kind: 'membership', tenantId, groupId: image.groupId, userId: image.userId };
  }
  if (entity === 'MemberDeparture' && typeof image.groupId === 'string' && typeof image.userId === 'string') {
    return { kind: 'departure', tenantId, groupId: image.groupId, userId: image.userId, at: Number(image.at) };
  }
  if (entity === 'EventSet' && typeof image.streamId === 'string') return { kind: 'eventSet', tenantId, streamId: image.streamId };
  return { kind: 'other' };
}
