/**
 * Every DynamoDB key of the single table is built here and nowhere else. The table of items, keys and
 * access patterns is docs/data-model.md, checked against these functions by
 * test/unit/docs/data-model-page.test.ts (a new key function needs its row there).
 * A tenant's activity and health live in exactly two partitions, ACTIVITY#<t> and HEALTH#<t>
 * (activityPartitions): deleting them deletes every record (the GSI1 entries go with their items).
 */
import { createHash } from 'node:crypto';

export type Key = { PK: string; SK: string };

/** Sort keys are limited to 1024 bytes: long values are replaced by a digest (still unique). */
const MAX_KEY_VALUE_BYTES = 256;
function keyValue(value: string): string {
  if (Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES) return value;
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** All tenant items live in one registry partition, so listing tenants is one Query. */
export const TENANT_REGISTRY_PARTITION = 'TENANTS';

export const tenantPartition = (tenantId: string) => `TENANT#${tenantId}`;

export const keys = {
  tenant: (tenantId: string): Key => ({ PK: TENANT_REGISTRY_PARTITION, SK: `TENANT#${tenantId}` }),
  token: (tokenHash: string): Key => ({ PK: `TOKEN#${tokenHash}`, SK: 'TOKEN' }),
  /** A tenant's secret tokens by id (ids and dates, the hash to find the token item): listing them is one Query. */
  tenantToken: (tenantId: string, tokenId: string): Key => ({ PK: tenantTokensPartition(tenantId), SK: `TOKEN#${tokenId}` }),

  user: (tenantId: string, id: string): Key => ({ PK: tenantPartition(tenantId), SK: `USER#${keyValue(id)}` }),
  group: (tenantId: string, id: string): Key => ({ PK: tenantPartition(tenantId), SK: `GROUP#${keyValue(id)}` }),
  resource: (tenantId: string, type: 'User' | 'Group', id: string): Key =>
    type === 'User' ? keys.user(tenantId, id) : keys.group(tenantId, id),

  /**
   * One item per unique attribute value (schema uniqueness "server"), owned by a resource id.
   * The caller passes the value already folded to lower case when the attribute is not caseExact.
   */
  unique: (tenantId: string, resourceType: string, attribute: string, value: string): Key => ({
    PK: tenantPartition(tenantId),
    SK: `UNIQUE#${resourceType}.${attribute}#${keyValue(value)}`,
  }),
  /**
   * One item per value AND owner for an indexed, non-unique attribute (externalId under uniqueness
   * `none`): the unique key's sort key followed by `#<owner id>`. A Query on the unique key's sort
   * key as prefix finds both forms, so items written while the value was unique keep answering.
   */
  sharedValue: (tenantId: string, resourceType: string, attribute: string, value: string, ownerId: string): Key => ({
    PK: tenantPartition(tenantId),
    SK: `UNIQUE#${resourceType}.${attribute}#${keyValue(value)}#${keyValue(ownerId)}`,
  }),

  /**
   * One of the shards of a tenant's count of users or groups (store/resource-counts.ts): the count is
   * their sum, changed in the transaction of every create and delete.
   */
  resourceCount: (tenantId: string, resourceType: 'User' | 'Group', shard: number): Key => ({
    PK: resourceCountsPartition(tenantId),
    SK: `${resourceType}#${String(shard).padStart(2, '0')}`,
  }),

  membership: (tenantId: string, groupId: string, userId: string): Key => ({
    PK: membersPartition(tenantId, groupId),
    SK: `MEMBER#${keyValue(userId)}`,
  }),
  membershipIndex: (tenantId: string, groupId: string, userId: string) => ({
    GSI1PK: memberOfPartition(tenantId, userId),
    GSI1SK: `GROUP#${keyValue(groupId)}`,
  }),

  /** Chunk `index` of the change a group's lease holder is applying (store/group-writes/intent.ts). */
  groupIntent: (tenantId: string, groupId: string, intentId: string, index: number): Key => ({
    PK: membersPartition(tenantId, groupId),
    SK: `${sortKeyPrefix.intent}${intentId}#${String(index).padStart(4, '0')}`,
  }),

  /** Chunk `index` of the member delta of a large group write, read by the event and activity consumers (store/group-deltas.ts). */
  groupDelta: (tenantId: string, groupId: string, deltaId: string, index: number): Key => ({
    PK: membersPartition(tenantId, groupId),
    SK: `${sortKeyPrefix.delta}${deltaId}#${String(index).padStart(4, '0')}`,
  }),

  cursorKey: (): Key => ({ PK: 'CONFIG', SK: 'CURSOR_KEY' }),
  /** The tenant ids the tenants.json seed applied last (store/seeded-tenants.ts). */
  seededTenants: (): Key => ({ PK: 'CONFIG', SK: 'TENANTS_SEED' }),

  /** A tenant's OAuth clients share a partition of their own: listing them is one Query. */
  oauthClient: (tenantId: string, clientId: string): Key => ({ PK: oauthClientsPartition(tenantId), SK: `CLIENT#${clientId}` }),
  /** Token requests of one tenant in one minute (the token endpoint's per-tenant throttle). */
  tokenRequestWindow: (tenantId: string, epochMinute: number): Key => ({ PK: oauthRatePartition(tenantId), SK: `WINDOW#${epochMinute}` }),

  /** A tenant's federated credential, by the OAuth client id its token requests name (functions/federation/). */
  federatedCredential: (tenantId: string, clientId: string): Key => ({
    PK: federationPartition(tenantId),
    SK: `${sortKeyPrefix.federatedClient}${clientId}`,
  }),
  /** The claim on a federated credential's id (written and deleted in one transaction with the credential). */
  federatedCredentialId: (tenantId: string, credentialId: string): Key => ({
    PK: federationPartition(tenantId),
    SK: `FEDERATED_ID#${credentialId}`,
  }),
  /** A tenant's event stream configuration (functions/store/event-stream-items.ts). */
  eventStream: (tenantId: string, streamId: string): Key => ({
    PK: EVENT_STREAMS_PARTITION,
    SK: `${eventStreamPrefix(tenantId)}${streamId}`,
  }),
  /** A SET waiting in a stream's outbox (functions/store/outbox-items.ts). */
  pendingSet: (tenantId: string, streamId: string, jti: string): Key => ({
    PK: outboxPartition(tenantId, streamId),
    SK: `${sortKeyPrefix.pendingSet}${jti}`,
  }),
  /** A SET that failed for good, kept for redrive. */
  deadSet: (tenantId: string, streamId: string, jti: string): Key => ({
    PK: outboxPartition(tenantId, streamId),
    SK: `${sortKeyPrefix.deadSet}${jti}`,
  }),
  /**
   * Where an index-paged list walk of one query continues: the page that starts at `startIndex`
   * (store/list-positions.ts). `query` is a digest of tenant, type, filter and order.
   */
  listPosition: (tenantId: string, query: string, startIndex: number): Key => ({
    PK: listPositionsPartition(tenantId),
    SK: `${query}#${startIndex}`,
  }),
  /** One of a tenant's slots for a Bulk request in progress (store/bulk-slots.ts): a lease, freed at the end or by expiry. */
  bulkSlot: (tenantId: string, slot: number): Key => ({ PK: bulkSlotsPartition(tenantId), SK: `SLOT#${slot}` }),
  /** Failed authentications naming one client id of a tenant in one minute (counted apart from issued tokens). */
  failedClientWindow: (tenantId: string, clientId: string, epochMinute: number): Key => ({
    PK: oauthRatePartition(tenantId),
    SK: `FAILED#${keyValue(clientId)}#${epochMinute}`,
  }),
  /** Failed authentications from one source IP in one minute, whatever tenant they named. */
  failedSourceWindow: (sourceIp: string, epochMinute: number): Key => ({
    PK: `OAUTH_FAILED#${keyValue(sourceIp)}`,
    SK: `WINDOW#${epochMinute}`,
  }),
};

export const EVENT_STREAMS_PARTITION = 'EVENT_STREAMS';
/** Sort-key prefix of one tenant's streams in the EVENT_STREAMS partition. */
export const eventStreamPrefix = (tenantId: string) => `TENANT#${tenantId}#STREAM#`;
export const outboxPartition = (tenantId: string, streamId: string) => `EVENTS#${tenantId}#${streamId}`;
export const federationPartition = (tenantId: string) => `FEDERATION#${tenantId}`;
export const activityPartition = (tenantId: string) => `ACTIVITY#${tenantId}`;
export const healthPartition = (tenantId: string) => `HEALTH#${tenantId}`;
/** Every partition holding a tenant's activity records and health counters (deleted with the tenant). */
export const activityPartitions = (tenantId: string): string[] => [activityPartition(tenantId), healthPartition(tenantId)];
/** GSI1 partition of one resource's activity (a user's history includes the group changes that added or removed it). */
export const activityOfResourcePartition = (tenantId: string, resourceId: string) => `ACTIVITY#${tenantId}#RES#${keyValue(resourceId)}`;
/** Activity sort keys sort by time: 13-digit epoch ms, then a unique suffix. */
export const activitySortKey = (atMs: number, unique: string) => `AT#${String(Math.max(0, Math.floor(atMs))).padStart(13, '0')}#${unique}`;
export const activitySortKeyBound = (atMs: number) => `AT#${String(Math.max(0, Math.floor(atMs))).padStart(13, '0')}`;

export const activityKeys = {
  record: (tenantId: string, atMs: number, unique: string): Key => ({ PK: activityPartition(tenantId), SK: activitySortKey(atMs, unique) }),
  recordIndex: (tenantId: string, resourceId: string, sortKey: string) => ({
    GSI1PK: activityOfResourcePartition(tenantId, resourceId),
    GSI1SK: sortKey,
  }),
  nameAlias: (tenantId: string, name: string, id: string): Key => ({
    PK: activityPartition(tenantId),
    SK: `NAME#${keyValue(name)}#${keyValue(id)}`,
  }),
  namePrefix: (tenantId: string, name: string): Key => ({ PK: activityPartition(tenantId), SK: `NAME#${keyValue(name)}#` }),
  deletionNote: (tenantId: string, type: 'User' | 'Group', id: string, requestId: string): Key => ({
    PK: activityPartition(tenantId),
    SK: `DELETED#${type}#${keyValue(id)}#${requestId}`,
  }),
  /**
   * Written in the transaction that deletes a deleted user's membership (store/memberships.ts): the
   * removal's own cause, read from the stream by the activity recorder (its `remove_member` record).
   */
  departureNote: (tenantId: string, groupId: string, userId: string, atMs: number): Key => ({
    PK: activityPartition(tenantId),
    SK: `DEPARTED#${keyValue(groupId)}#${keyValue(userId)}#${atMs}`,
  }),
  healthHour: (tenantId: string, epochHour: number): Key => ({
    PK: healthPartition(tenantId),
    SK: `HOUR#${String(epochHour).padStart(8, '0')}`,
  }),
  healthCredential: (tenantId: string, credentialId: string): Key => ({
    PK: healthPartition(tenantId),
    SK: `CRED#${keyValue(credentialId)}`,
  }),
  healthSummary: (tenantId: string): Key => ({ PK: healthPartition(tenantId), SK: 'SUMMARY' }),
  stormWindow: (tenantId: string, credentialId: string, window: number): Key => ({
    PK: healthPartition(tenantId),
    SK: `STORM#${keyValue(credentialId)}#${window}`,
  }),
};

/** The partition of a tenant's count shards (keys.resourceCount): the total is one Query of it. */
export const resourceCountsPartition = (tenantId: string) => `${tenantPartition(tenantId)}#COUNTS`;
export const oauthClientsPartition = (tenantId: string) => `OAUTH_CLIENTS#${tenantId}`;
const oauthRatePartition = (tenantId: string) => `OAUTH_RATE#${tenantId}`;
const listPositionsPartition = (tenantId: string) => `${tenantPartition(tenantId)}#LIST`;
const bulkSlotsPartition = (tenantId: string) => `${tenantPartition(tenantId)}#BULK`;
/**
 * The partitions a tenant owns whole besides its resources, tokens, event streams and activity:
 * its resource counts, OAuth clients, federated credentials, token-endpoint counters, Bulk slots and list positions.
 * Deleting them deletes all of it (tenants/tenant-purge.ts). Every one ends in the tenant id or
 * `#<suffix>` after it, and ids hold no `#`: no other tenant's partition is among them.
 */
export const tenantOwnedPartitions = (tenantId: string): string[] => [
  resourceCountsPartition(tenantId),
  oauthClientsPartition(tenantId),
  federationPartition(tenantId),
  oauthRatePartition(tenantId),
  bulkSlotsPartition(tenantId),
  listPositionsPartition(tenantId),
];
export const tenantTokensPartition = (tenantId: string) => `TOKENS#${tenantId}`;
export const membersPartition = (tenantId: string, groupId: string) => `${tenantPartition(tenantId)}#GROUP#${keyValue(groupId)}`;
export const memberOfPartition = (tenantId: string, userId: string) => `${tenantPartition(tenantId)}#USER#${keyValue(userId)}`;

/**
 * Ids are server-assigned UUIDs; a resource id longer than this is refused on create (import), so a
 * key built from a longer id (a hostile GET) is a digest that matches nothing instead of an error.
 */
export const MAX_ID_BYTES = MAX_KEY_VALUE_BYTES;
export const isStorableId = (id: string) => id !== '' && Buffer.byteLength(id, 'utf8') <= MAX_ID_BYTES;

/** Sort-key prefixes for listing one entity type inside a tenant partition. */
export const sortKeyPrefix = {
  user: 'USER#',
  group: 'GROUP#',
  member: 'MEMBER#',
  intent: 'INTENT#',
  delta: 'DELTA#',
  federatedClient: 'CLIENT#',
  pendingSet: 'SET#',
  deadSet: 'DEAD#',
} as const;

export const idFromSortKey = (sk: string, prefix: string): string => sk.slice(prefix.length);
