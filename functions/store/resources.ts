/**
 * User and Group items and their uniqueness items. Every write is conditional: creates on absence,
 * updates on the version that was read (optimistic concurrency), uniqueness items in the same
 * transaction as the resource so two clients can never both win a userName.
 */
import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import type { SchemaRegistry } from '../scim/schema/registry';
import { uniqueValuesOf, type UniqueValue } from '../scim/schema/uniqueness';
import type { Db, StoredItem } from './db';
import { countPrefix, queryPrefix } from './partition';
import { pages, startingAt } from './paging';
import { isStorableId, keys, MAX_ID_BYTES, sortKeyPrefix, tenantPartition, type Key } from './keys';
import { TransactionCancelled, transactWrite } from './transactions';
import { COUNTED_TYPES, countChange, readResourceCount, settleCount } from './resource-counts';
import { backoff } from '../commons/retry';
import { currentScope, writtenBy } from '../commons/request-scope';
import { hashedName } from '../commons/user-name-hash';
import { deletionNotePut } from './activity-items';
import { errorNamed } from '../commons/error-named';
import { InvalidResourceId, ResourceTooLarge, UniqueValueTaken, VersionConflict } from './store-errors';

export interface StoredResource {
  readonly id: string;
  readonly resource: ScimResource;
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
}

/** Top-level copies of a few attributes so an item reads at a glance in the DynamoDB console. */
const GLANCE_ATTRIBUTES = ['userName', 'displayName', 'externalId', 'active'] as const;
/** DynamoDB's item limit is 400 KB; leave room for keys and glance attributes. */
const MAX_RESOURCE_BYTES = 350_000;

const BATCH_GET_LIMIT = 100;
/** Unprocessed batch items go again after a jittered wait (commons/retry.ts). */
const unprocessedRetry = { baseMs: 50, capMs: 3_200 };

const prefixOf = (type: ResourceTypeName) => (type === 'User' ? sortKeyPrefix.user : sortKeyPrefix.group);

export async function getResource(db: Db, tenantId: string, type: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: keys.resource(tenantId, type, id), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** Resources by id (BatchGetItem, 100 keys per call, consistent); missing ids are simply absent. */
export async function getResources(db: Db, tenantId: string, type: ResourceTypeName, ids: readonly string[]): Promise<StoredResource[]> {
  return (await getResourceItems(db, tenantId, type, ids)).map(fromItem);
}

/** The resources' items as stored (with a group's `memberDelta`), in the order of `ids`; missing ones left out. */
export async function getResourceItems(db: Db, tenantId: string, type: ResourceTypeName, ids: readonly string[]): Promise<StoredItem[]> {
  const found: StoredItem[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH_GET_LIMIT).map((id) => keys.resource(tenantId, type, id));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt, unprocessedRetry);
      const result = await db.client.send(new BatchGetCommand({ RequestItems: { [db.table]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(result.Responses?.[db.table] ?? []));
      pending = (result.UnprocessedKeys?.[db.table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  const order = new Map(unique.map((id, index) => [id, index]));
  return found.sort((a, b) => (order.get(String(a.id)) ?? 0) - (order.get(String(b.id)) ?? 0));
}

/**
 * Resolves a unique value (e.g. a userName, folded as the schema says) to the owning id: one GetItem.
 * A miss on a value that decomposes also tries its NFD form, the key of a value stored decomposed
 * before keys were NFC (docs/data-model.md).
 */
export async function findIdByUnique(db: Db, tenantId: string, type: ResourceTypeName, unique: UniqueValue): Promise<string | undefined> {
  if (unique.shared) return (await findIdsByValue(db, tenantId, type, unique))[0];
  for (const value of new Set([unique.value, unique.value.normalize('NFD')])) {
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.table, Key: keys.unique(tenantId, type, unique.attribute, value), ConsistentRead: true }),
    );
    if (typeof Item?.ownerId === 'string') return Item.ownerId;
  }
  return undefined;
}

/**
 * Every owner of an indexed value (`shared`: externalId under uniqueness `none`): one strongly
 * consistent Query on the value's unique key as prefix, which also finds the item written while the
 * value was unique. Longer values sharing the prefix are told apart by the item's `value`. Owners
 * are candidates: an owner whose value has since changed is dropped by the caller's filter.
 */
export async function findIdsByValue(db: Db, tenantId: string, type: ResourceTypeName, unique: UniqueValue): Promise<string[]> {
  const owners = new Set<string>();
  for (const value of new Set([unique.value, unique.value.normalize('NFD')])) {
    const prefix = keys.unique(tenantId, type, unique.attribute, value);
    for await (const page of pages((startKey) => queryPrefix(db, { partition: prefix.PK, prefix: prefix.SK, ...startingAt(startKey) }))) {
      for (const item of page.items) if (item.value === value && typeof item.ownerId === 'string') owners.add(item.ownerId);
    }
    if (owners.size > 0) break;
  }
  return [...owners].sort();
}

/**
 * A resource about to be created, at `version` (1, or 0 while a leased create fills it): its
 * server-assigned id must fit in a key (ids from imports are checked here too).
 */
export function newStoredResource(resource: ScimResource, version: number): StoredResource {
  const id = String(resource.id);
  if (!isStorableId(id)) throw new InvalidResourceId(MAX_ID_BYTES);
  const now = new Date().toISOString();
  return { id, resource, version, created: now, lastModified: now };
}

/** `registry` (the tenant's) says which values are unique: its uniqueness items are written in the same transaction. */
export async function createResource(
  db: Db,
  tenantId: string,
  type: ResourceTypeName,
  resource: ScimResource,
  registry: SchemaRegistry,
): Promise<StoredResource> {
  const stored = newStoredResource(resource, 1);
  const uniques = uniqueValuesOf(registry, type, resource);
  try {
    await transactWrite(db, [
      { Put: { TableName: db.table, Item: toItem(tenantId, type, stored), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...uniques.map((u) => putUnique(db, tenantId, type, u, stored.id)),
      // Last: the positions of the conditional actions above are what uniquenessError maps.
      countChange(db, tenantId, type, 1),
    ]);
  } catch (error) {
    throw uniquenessError(error, type, [undefined, ...uniques]);
  }
  return stored;
}

/**
 * Replaces a resource if it is still at `before.version`. Uniqueness items follow the change in
 * the same transaction; without such a change it is a single conditional PutItem.
 */
export async function replaceResource(
  db: Db,
  tenantId: string,
  type: ResourceTypeName,
  before: StoredResource,
  resource: ScimResource,
  registry: SchemaRegistry,
): Promise<StoredResource> {
  const after: StoredResource = {
    id: before.id,
    resource,
    version: before.version + 1,
    created: before.created,
    lastModified: new Date().toISOString(),
  };
  const put = {
    TableName: db.table,
    Item: toItem(tenantId, type, after),
    ConditionExpression: 'version = :expected',
    ExpressionAttributeValues: { ':expected': before.version },
  };
  const { added, removed } = uniqueChanges(registry, type, before.resource, resource);
  try {
    if (added.length === 0 && removed.length === 0) {
      await db.client.send(new PutCommand(put));
    } else {
      await transactWrite(db, [
        { Put: put },
        ...added.map((u) => putUnique(db, tenantId, type, u, before.id)),
        ...removed.map((u) => deleteUnique(db, tenantId, type, u, before.id)),
      ]);
    }
  } catch (error) {
    if (isConditionFailure(error) || (error instanceof TransactionCancelled && error.failed.includes(0))) {
      throw new VersionConflict();
    }
    throw uniquenessError(error, type, [undefined, ...added]);
  }
  return after;
}

/** Deletes the resource and its uniqueness items; `expectedVersion` enforces If-Match. */
export async function deleteResource(
  db: Db,
  tenantId: string,
  type: ResourceTypeName,
  stored: StoredResource,
  expectedVersion: number | undefined,
  registry: SchemaRegistry,
): Promise<void> {
  const condition =
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_exists(PK)' }
      : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
  try {
    await transactWrite(db, [
      { Delete: { TableName: db.table, Key: keys.resource(tenantId, type, stored.id), ...condition } },
      ...uniqueValuesOf(registry, type, stored.resource).map((u) => deleteUnique(db, tenantId, type, u, stored.id)),
      ...deletionNoteOf(db, tenantId, type, stored),
      countChange(db, tenantId, type, -1),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) throw new VersionConflict();
    throw error;
  }
}

export interface ResourcePage {
  readonly items: StoredResource[];
  readonly lastKey?: Record<string, unknown>;
}

/**
 * One page of a tenant's resources of a type, in id order. Strongly consistent unless `consistent`
 * is false: list walks read eventually consistent (half the read units; a page a second stale is
 * harmless there), reads a client uses to act on its own write stay strong (docs/capacity.md).
 */
export async function listResources(
  db: Db,
  tenantId: string,
  type: ResourceTypeName,
  page: { limit?: number; startKey?: Record<string, unknown>; consistent?: boolean } = {},
): Promise<ResourcePage> {
  const result = await queryPrefix(db, {
    partition: tenantPartition(tenantId),
    prefix: prefixOf(type),
    ...(page.limit ? { limit: page.limit } : {}),
    ...(page.startKey ? { startKey: page.startKey } : {}),
    ...(page.consistent === false ? { consistent: false } : {}),
  });
  return { items: result.items.map(fromItem), ...(result.lastKey ? { lastKey: result.lastKey } : {}) };
}

/** Number of a tenant's resources of a type (a COUNT Query, eventually consistent: it reads every item once). */
export async function countResources(db: Db, tenantId: string, type: ResourceTypeName): Promise<number> {
  return countPrefix(db, { partition: tenantPartition(tenantId), prefix: prefixOf(type), consistent: false });
}

/**
 * Number of the tenant's users with `active: false` (a glance attribute of the item): one COUNT Query,
 * eventually consistent, that reads every user item and returns none. An operator's look (stats), not a request path.
 */
export async function countInactiveUsers(db: Db, tenantId: string): Promise<number> {
  const filter = { expression: '#active = :inactive', names: { '#active': 'active' }, values: { ':inactive': false } };
  return countPrefix(db, { partition: tenantPartition(tenantId), prefix: prefixOf('User'), consistent: false, filter });
}

/**
 * The tenant's exact number of resources of `type`, for an unfiltered list's totalResults: the counters
 * (store/resource-counts.ts) once complete. Until then (a type the writes do not count yet, or a tenant
 * with resources from before the counters) one COUNT Query, which also settles the counters when no
 * write ran meanwhile, so the next walk reads them.
 */
export async function totalResources(db: Db, tenantId: string, type: ResourceTypeName): Promise<number> {
  if (!COUNTED_TYPES.includes(type)) return countResources(db, tenantId, type);
  const counted = await readResourceCount(db, tenantId, type);
  if (counted.complete) return counted.total;
  const read = await readResourceCount(db, tenantId, type, true);
  const items = await countItems(db, tenantId, type);
  await settleCount(db, tenantId, type, read, items);
  return items;
}

/**
 * Repair (docs/operations.md#resource-counts): counts the tenant's items of `type` and sets the counters
 * to it, retried until no write runs between the count and the settling. Returns the counters' total
 * before and after.
 */
export async function recountResources(db: Db, tenantId: string, type: ResourceTypeName): Promise<{ before: number; after: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const read = await readResourceCount(db, tenantId, type, true);
    const items = await countItems(db, tenantId, type);
    if (await settleCount(db, tenantId, type, read, items)) return { before: read.total, after: items };
    if (attempt >= RECOUNT_ATTEMPTS)
      throw new Error(`${tenantId}: the ${type} count changed during ${RECOUNT_ATTEMPTS} recounts; pause the tenant and retry`);
    await backoff(attempt, unprocessedRetry);
  }
}

const RECOUNT_ATTEMPTS = 10;

const countItems = (db: Db, tenantId: string, type: ResourceTypeName) =>
  countPrefix(db, { partition: tenantPartition(tenantId), prefix: prefixOf(type), consistent: true });

/** The listing position just after a resource: a cursor resumes a listResources walk from it. */
export function positionAfter(tenantId: string, type: ResourceTypeName, id: string): Record<string, unknown> {
  return keys.resource(tenantId, type, id);
}

export function toItem(tenantId: string, type: ResourceTypeName, stored: StoredResource): Record<string, unknown> {
  const size = Buffer.byteLength(JSON.stringify(stored.resource), 'utf8');
  if (size > MAX_RESOURCE_BYTES) {
    throw new ResourceTooLarge(type, size, MAX_RESOURCE_BYTES);
  }
  const glance: Record<string, unknown> = {};
  for (const name of GLANCE_ATTRIBUTES) {
    if (stored.resource[name] !== undefined) glance[name] = stored.resource[name];
  }
  return {
    ...keys.resource(tenantId, type, stored.id),
    entity: type,
    tenantId,
    id: stored.id,
    ...glance,
    version: stored.version,
    created: stored.created,
    lastModified: stored.lastModified,
    resource: stored.resource,
    // Who wrote it (the request's scope): the activity recorder reads it from the stream.
    ...writtenBy(),
  };
}

/** The deletion note a delete's transaction carries when it runs in a request's scope (who deleted, for the activity log). */
export function deletionNoteOf(db: Db, tenantId: string, type: ResourceTypeName, stored: StoredResource) {
  const stamp = writtenBy().writtenBy;
  if (!stamp) return [];
  const name = type === 'User' ? stored.resource.userName : stored.resource.displayName;
  const identifier =
    typeof name !== 'string' ? undefined : type === 'User' && currentScope()?.hashUserNames ? hashedName(tenantId, name) : name;
  return [deletionNotePut(db, tenantId, type, stored.id, identifier, stamp)];
}

export function fromItem(item: Record<string, unknown>): StoredResource {
  return {
    id: String(item.id),
    resource: item.resource as ScimResource,
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
  };
}

export function putUnique(db: Db, tenantId: string, type: ResourceTypeName, unique: UniqueValue, ownerId: string) {
  if (unique.shared) {
    // One item per owner: nothing to claim, nothing that can clash.
    const item = { ...keys.sharedValue(tenantId, type, unique.attribute, unique.value, ownerId), entity: 'SharedValue' };
    return {
      Put: {
        TableName: db.table,
        Item: { ...item, tenantId, resourceType: type, attribute: unique.attribute, value: unique.value, ownerId },
      },
    };
  }
  const key: Key = keys.unique(tenantId, type, unique.attribute, unique.value);
  return {
    Put: {
      TableName: db.table,
      Item: { ...key, entity: 'UniqueValue', tenantId, resourceType: type, attribute: unique.attribute, value: unique.value, ownerId },
      ConditionExpression: 'attribute_not_exists(PK) OR ownerId = :owner',
      ExpressionAttributeValues: { ':owner': ownerId },
    },
  };
}

export function deleteUnique(db: Db, tenantId: string, type: ResourceTypeName, unique: UniqueValue, ownerId: string) {
  if (unique.shared)
    return { Delete: { TableName: db.table, Key: keys.sharedValue(tenantId, type, unique.attribute, unique.value, ownerId) } };
  return {
    Delete: {
      TableName: db.table,
      Key: keys.unique(tenantId, type, unique.attribute, unique.value),
      // Only remove what this resource owns; a missing item is fine (nothing to release).
      ConditionExpression: 'attribute_not_exists(PK) OR ownerId = :owner',
      ExpressionAttributeValues: { ':owner': ownerId },
    },
  };
}

export function uniqueChanges(registry: SchemaRegistry, type: ResourceTypeName, before: ScimResource, after: ScimResource) {
  const old = uniqueValuesOf(registry, type, before);
  const next = uniqueValuesOf(registry, type, after);
  const same = (a: UniqueValue, b: UniqueValue) => a.attribute === b.attribute && a.value === b.value;
  return {
    added: next.filter((n) => !old.some((o) => same(o, n))),
    removed: old.filter((o) => !next.some((n) => same(o, n))),
  };
}

/** A failed uniqueness condition (by its position in the transaction) is UniqueValueTaken; another, a VersionConflict. */
function uniquenessError(error: unknown, type: ResourceTypeName, actions: (UniqueValue | undefined)[]): unknown {
  if (!(error instanceof TransactionCancelled)) return error;
  const clash = error.failed.map((i) => actions[i]).find((u): u is UniqueValue => u !== undefined);
  if (!clash) return new VersionConflict();
  return new UniqueValueTaken(type, clash.attribute);
}

const isConditionFailure = (error: unknown) => errorNamed(error, 'ConditionalCheckFailedException');
