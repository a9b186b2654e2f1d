/**
 * Group writes that are atomic and serializable at any size (docs/groups.md "Groups and memberships at
 * scale"). Every write is conditional on the group version it read:
 *
 *  - a change of at most SMALL_CHANGE_ACTIONS items (the group item, its uniqueness items, the
 *    membership items) is ONE TransactWriteItems;
 *  - a larger change takes a lease on the group item in one transaction that also stores the change
 *    itself (intent items, bounded by the 1 MB request body) and claims new unique values; then
 *    BatchWriteItem calls of 25 write the members; then one transaction bumps the version, drops the
 *    lease and the intent. A lease outlives its holder (it expires after the holder's last write
 *    could have been sent, past Lambda's timeout), and whoever finds an expired lease finishes the
 *    stored change before doing its own (roll forward), so a change is never left half-applied.
 *
 * While a lease is held, other writes of the group wait for it (bounded, then 503 Retry-After).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ScimResource } from '../scim/schema/types';
import type { SchemaRegistry } from '../scim/schema/registry';
import { uniqueValuesOf, type UniqueValue } from '../scim/schema/uniqueness';
import type { Db } from './db';
import { keys, sortKeyPrefix } from './keys';
import { addMembers, listMembers, membershipItem, removeMembers } from './memberships';
import { pages, startingAt, type StartKey } from './paging';
import { queryPrefix } from './partition';
import {
  deleteUnique,
  deletionNoteOf,
  fromItem,
  newStoredResource,
  putUnique,
  toItem,
  uniqueChanges,
  type StoredResource,
} from './resources';
import { TransactionCancelled, transactWrite } from './transactions';
import { writtenBy } from '../commons/request-scope';
import { errorNamed } from '../commons/error-named';
import { UniqueValueTaken, VersionConflict } from './store-errors';

/** TransactWriteItems takes at most 100 actions. */
const TRANSACTION_ACTIONS = 100;
/** Intent chunk payload, well under DynamoDB's 400 KB item limit. */
const INTENT_CHUNK_BYTES = 300_000;
/** BatchWriteItem calls a lease holder keeps in flight. */
const WRITE_LANES = 4;
const BATCH = 25;

export interface GroupLease {
  /** Who holds it (a random id per request). */
  readonly owner: string;
  /** Epoch ms after which the holder has certainly stopped writing. */
  readonly expires: number;
  /** The id under which the change being applied is stored (intent items). */
  readonly intent: string;
}

export interface GroupRecord {
  readonly stored: StoredResource;
  readonly lease?: GroupLease;
}

/**
 * A change of one group, computed from the group as read at `before.version`: its attributes
 * after the change and the membership items to write (`put`) and delete (`remove`). `members` is
 * set for a replacement: the whole resulting member list.
 */
export interface GroupChange {
  readonly before: StoredResource;
  readonly resource: ScimResource;
  readonly put: readonly string[];
  readonly remove: readonly string[];
  readonly members?: readonly string[];
  /** The tenant's schemas: which attributes hold unique values (RFC 7643's alone when absent). */
  readonly registry: SchemaRegistry;
  /** Set when the writer holds the group's lease (lockGroup): the change is conditional on that, not on a version. */
  readonly lockedBy?: string;
}

/** A lease holder ran out of time: its change is stored and will be finished by the next writer. */
export class GroupChangeUnfinished extends Error {
  constructor(readonly retryAt: number) {
    super('group change unfinished');
    this.name = 'GroupChangeUnfinished';
  }
}

export async function readGroup(db: Db, tenantId: string, id: string): Promise<GroupRecord | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.group(tenantId, id), ConsistentRead: true }));
  if (!Item) return undefined;
  const lease =
    typeof Item.leaseOwner === 'string'
      ? { owner: Item.leaseOwner, expires: Number(Item.leaseExpires), intent: String(Item.leaseIntent) }
      : undefined;
  return { stored: fromItem(Item), ...(lease ? { lease } : {}) };
}

/** Whether the change fits one transaction (group item + uniqueness items + membership items). */
export function fitsOneTransaction(change: GroupChange): boolean {
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  return 1 + added.length + removed.length + change.put.length + change.remove.length <= TRANSACTION_ACTIONS;
}

/** Whether a group created with these members fits one transaction (with its uniqueness items). */
export function createFitsOneTransaction(resource: ScimResource, memberIds: readonly string[], registry: SchemaRegistry): boolean {
  return 1 + uniqueValuesOf(registry, 'Group', resource).length + memberIds.length <= TRANSACTION_ACTIONS;
}

/** Creates a group and its memberships in one transaction (see createFitsOneTransaction). */
export async function createGroup(
  db: Db,
  tenantId: string,
  resource: ScimResource,
  memberIds: readonly string[],
  registry: SchemaRegistry,
): Promise<StoredResource> {
  const stored = newStoredResource(resource, 1);
  const { id } = stored;
  const uniques = uniqueValuesOf(registry, 'Group', resource);
  await transact(
    db,
    [
      {
        Put: {
          TableName: db.table,
          Item: { ...toItem(tenantId, 'Group', stored), ...writtenBy({ added: memberIds, removed: [] }), ...memberDelta(memberIds, []) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...uniques.map((u) => putUnique(db, tenantId, 'Group', u, id)),
      ...membershipActions(db, tenantId, id, memberIds, []),
    ],
    uniques,
  );
  return stored;
}

/** Deletes the group at the version read, if unleased, with its uniqueness items. Members go afterwards (janitor). */
export async function deleteGroup(
  db: Db,
  tenantId: string,
  stored: StoredResource,
  registry: SchemaRegistry,
  lockedBy?: string,
): Promise<void> {
  await transact(
    db,
    [
      {
        Delete: {
          TableName: db.table,
          Key: keys.group(tenantId, stored.id),
          ...(lockedBy !== undefined
            ? { ConditionExpression: 'leaseOwner = :owner', ExpressionAttributeValues: { ':owner': lockedBy } }
            : {
                ConditionExpression: 'version = :expected AND attribute_not_exists(leaseOwner)',
                ExpressionAttributeValues: { ':expected': stored.version },
              }),
        },
      },
      ...uniqueValuesOf(registry, 'Group', stored.resource).map((u) => deleteUnique(db, tenantId, 'Group', u, stored.id)),
      ...deletionNoteOf(db, tenantId, 'Group', stored),
    ],
    [],
  );
}

/**
 * Member adds and removes that do not depend on what was read (a PATCH of members only, without
 * If-Match): they commute with each other, so they need no version condition — only an existing,
 * unleased group — and concurrent ones never conflict. A replacement still conflicts with them,
 * because they bump the version it is conditional on. Throws VersionConflict when the group is gone
 * or leased.
 */
export async function commitMemberChange(
  db: Db,
  tenantId: string,
  groupId: string,
  put: readonly string[],
  remove: readonly string[],
): Promise<void> {
  await transact(
    db,
    [
      {
        Update: {
          TableName: db.table,
          Key: keys.group(tenantId, groupId),
          ...memberChangeUpdate(writtenBy({ added: put, removed: remove }).writtenBy, { added: put, removed: remove }),
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(leaseOwner)',
        },
      },
      ...membershipActions(db, tenantId, groupId, put, remove),
    ],
    [],
  );
}

/**
 * The version bump of a members-only change, stamped with who made it (the activity recorder reads it)
 * and with the members it added and removed (the event streams read that, functions/events/).
 */
function memberChangeUpdate(stamp: Record<string, unknown> | undefined, delta: { added: readonly string[]; removed: readonly string[] }) {
  return {
    UpdateExpression: `SET version = version + :one, lastModified = :now, ${MEMBER_DELTA} = :delta${stamp ? ', writtenBy = :stamp' : ' REMOVE writtenBy'}`,
    ExpressionAttributeValues: {
      ':one': 1,
      ':now': new Date().toISOString(),
      ':delta': memberDelta(delta.added, delta.removed)[MEMBER_DELTA] ?? { added: [], removed: [] },
      ...(stamp ? { ':stamp': stamp } : {}),
    },
  };
}

/**
 * A group write that fits one transaction (at most 99 member ids) records on the group item exactly
 * which members it added and removed, so the stream record of that version says who joined and who
 * left (docs/events.md, membership deltas). A larger write (the leased path) records no list.
 */
const MEMBER_DELTA = 'memberDelta';
function memberDelta(added: readonly string[], removed: readonly string[]): { memberDelta?: { added: string[]; removed: string[] } } {
  return added.length + removed.length === 0 ? {} : { [MEMBER_DELTA]: { added: [...added], removed: [...removed] } };
}

export const memberChangeFitsOneTransaction = (put: readonly string[], remove: readonly string[]): boolean =>
  1 + put.length + remove.length <= TRANSACTION_ACTIONS;

/**
 * Takes the group's lease before reading it (no version condition), so a writer whose optimistic
 * attempts keep losing to a stream of member adds is certain to get its turn: while it holds the
 * lease, every other write waits. It then reads the group, computes its change and commits it with
 * `lockedBy` (or releases the lease with unlockGroup). Throws VersionConflict when the group is gone or
 * already leased.
 */
export async function lockGroup(db: Db, tenantId: string, groupId: string, owner: string, timing: LeaseTiming): Promise<void> {
  const locked = await updateLease(db, tenantId, groupId, {
    UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires, leaseIntent = :owner',
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(leaseOwner)',
    ExpressionAttributeValues: { ':owner': owner, ':expires': timing.writeDeadline + timing.marginMs },
  });
  if (!locked) throw new VersionConflict();
}

/** Releases a lease that stored no change; a lease that is no longer ours is left alone. */
export async function unlockGroup(db: Db, tenantId: string, groupId: string, owner: string): Promise<void> {
  await updateLease(db, tenantId, groupId, {
    UpdateExpression: 'REMOVE leaseOwner, leaseExpires, leaseIntent',
    ConditionExpression: 'leaseOwner = :owner',
    ExpressionAttributeValues: { ':owner': owner },
  });
}

/** One conditional update of the group item's lease attributes; false when the condition failed. */
async function updateLease(
  db: Db,
  tenantId: string,
  groupId: string,
  update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<boolean> {
  try {
    await db.client.send(new UpdateCommand({ TableName: db.table, Key: keys.group(tenantId, groupId), ...update }));
    return true;
  } catch (error) {
    if (errorNamed(error, 'ConditionalCheckFailedException')) return false;
    throw error;
  }
}

export interface LeaseTiming {
  /** The holder sends no write after this (epoch ms). */
  readonly writeDeadline: number;
  /** How long a lease outlives writeDeadline: longer than any write already sent can take. */
  readonly marginMs: number;
}

/**
 * Stores the change if the group is still at `change.before.version` and unleased. Throws
 * VersionConflict (reload and recompute, or 412 under If-Match; also when the group got leased), 409 uniqueness, or
 * GroupChangeUnfinished.
 */
export async function commitGroupChange(
  db: Db,
  tenantId: string,
  change: GroupChange,
  owner: string,
  timing: LeaseTiming,
): Promise<StoredResource> {
  return fitsOneTransaction(change) ? commitSmall(db, tenantId, change) : commitLarge(db, tenantId, change, owner, timing);
}

const nextVersion = (before: StoredResource, resource: ScimResource): StoredResource => ({
  id: before.id,
  resource,
  version: before.version + 1,
  created: before.created,
  lastModified: new Date().toISOString(),
});

async function commitSmall(db: Db, tenantId: string, change: GroupChange): Promise<StoredResource> {
  const after = nextVersion(change.before, change.resource);
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  const actions = [
    {
      Put: {
        TableName: db.table,
        Item: {
          ...toItem(tenantId, 'Group', after),
          ...writtenBy({ added: change.put, removed: change.remove }),
          ...memberDelta(change.put, change.remove),
        },
        ...(change.lockedBy !== undefined
          ? { ConditionExpression: 'leaseOwner = :owner', ExpressionAttributeValues: { ':owner': change.lockedBy } }
          : {
              ConditionExpression: 'version = :expected AND attribute_not_exists(leaseOwner)',
              ExpressionAttributeValues: { ':expected': change.before.version },
            }),
      },
    },
    ...added.map((u) => putUnique(db, tenantId, 'Group', u, after.id)),
    ...removed.map((u) => deleteUnique(db, tenantId, 'Group', u, after.id)),
    ...membershipActions(db, tenantId, after.id, change.put, change.remove),
  ];
  await transact(db, actions, added);
  return after;
}

function membershipActions(db: Db, tenantId: string, groupId: string, put: readonly string[], remove: readonly string[]) {
  const now = new Date().toISOString();
  return [
    ...put.map((userId) => ({
      Put: {
        TableName: db.table,
        Item: membershipItem(tenantId, groupId, userId, now),
      },
    })),
    ...remove.map((userId) => ({ Delete: { TableName: db.table, Key: keys.membership(tenantId, groupId, userId) } })),
  ];
}

/** Runs a transaction whose first action is the group item: its failure is a conflict, a unique value's is 409. */
async function transact(db: Db, actions: Parameters<typeof transactWrite>[1], claimed: readonly UniqueValue[]): Promise<void> {
  try {
    await transactWrite(db, actions);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const clash = error.failed.find((i) => i >= 1 && i <= claimed.length);
      if (clash !== undefined) throw new UniqueValueTaken('Group', claimed[clash - 1]?.attribute ?? 'value');
      throw new VersionConflict();
    }
    // Concurrent transactions on the group item that kept conflicting: the caller reloads and retries.
    if (errorNamed(error, 'TransactionCanceledException')) throw new VersionConflict();
    throw error;
  }
}

interface IntentChunk {
  readonly put: string[];
  readonly remove: string[];
}

/** The stored form of a large change: what a recovering writer needs to finish it. */
interface Intent {
  readonly exact: boolean;
  readonly put: readonly string[];
  readonly remove: readonly string[];
  readonly resource: ScimResource;
  readonly removedUniques: readonly UniqueValue[];
}

/** Ids in chunks under the item limit; the first chunk also carries `reserved` bytes (the resource). */
function chunksOf(put: readonly string[], remove: readonly string[], reserved: number): IntentChunk[] {
  const chunks: IntentChunk[] = [{ put: [], remove: [] }];
  let bytes = reserved;
  const add = (list: 'put' | 'remove', id: string) => {
    const size = Buffer.byteLength(id, 'utf8') + 8;
    if (bytes + size > INTENT_CHUNK_BYTES) {
      chunks.push({ put: [], remove: [] });
      bytes = 0;
    }
    (chunks[chunks.length - 1] as IntentChunk)[list].push(id);
    bytes += size;
  };
  put.forEach((id) => add('put', id));
  remove.forEach((id) => add('remove', id));
  return chunks;
}

async function commitLarge(db: Db, tenantId: string, change: GroupChange, owner: string, timing: LeaseTiming): Promise<StoredResource> {
  const groupId = change.before.id;
  const { added, removed } = uniqueChanges(change.registry, 'Group', change.before.resource, change.resource);
  const expires = timing.writeDeadline + timing.marginMs;
  const lease = {
    Update: {
      TableName: db.table,
      Key: keys.group(tenantId, groupId),
      UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires, leaseIntent = :intent',
      ...(change.lockedBy === owner
        ? {
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner, ':expires': expires, ':intent': owner },
          }
        : {
            ConditionExpression: 'version = :expected AND attribute_not_exists(leaseOwner)',
            ExpressionAttributeValues: { ':owner': owner, ':expires': expires, ':intent': owner, ':expected': change.before.version },
          }),
    },
  };
  // The stored change: for a replacement the resulting member list (a recovering writer recomputes
  // the removals from the members it finds), else the puts and removes. Either is bounded by the body.
  const intent: Intent =
    change.members !== undefined
      ? { exact: true, put: change.members, remove: [], resource: change.resource, removedUniques: removed }
      : { exact: false, put: change.put, remove: change.remove, resource: change.resource, removedUniques: removed };
  const chunks = await acquire(db, tenantId, groupId, lease, added, owner, intent);
  await applyMembers(db, tenantId, groupId, change.put, change.remove, timing.writeDeadline, expires);
  return finish(db, tenantId, change.before, owner, owner, chunks, change.resource, removed);
}

/**
 * Creates a group with more members than one transaction holds, atomically: the group is created
 * already leased, with its members as the stored change, then filled and committed (version 1)
 * like any leased change — or rolled forward by the next writer if this one stops.
 */
export async function createGroupLeased(
  db: Db,
  tenantId: string,
  resource: ScimResource,
  memberIds: readonly string[],
  owner: string,
  timing: LeaseTiming,
  registry: SchemaRegistry,
): Promise<StoredResource> {
  const before = newStoredResource(resource, 0);
  const { id } = before;
  const expires = timing.writeDeadline + timing.marginMs;
  const uniques = uniqueValuesOf(registry, 'Group', resource);
  const lease = {
    Put: {
      TableName: db.table,
      Item: { ...toItem(tenantId, 'Group', { ...before, version: 1 }), leaseOwner: owner, leaseExpires: expires, leaseIntent: owner },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  const intent: Intent = { exact: false, put: memberIds, remove: [], resource, removedUniques: [] };
  const chunks = await acquire(db, tenantId, id, lease, uniques, owner, intent);
  await applyMembers(db, tenantId, id, memberIds, [], timing.writeDeadline, expires);
  return finish(db, tenantId, before, owner, owner, chunks, resource, []);
}

/** One transaction: the lease on the group (`leaseAction`), new unique values, the intent items. Returns the chunk count. */
async function acquire(
  db: Db,
  tenantId: string,
  groupId: string,
  leaseAction: Parameters<typeof transactWrite>[1][number],
  claimed: readonly UniqueValue[],
  intentId: string,
  intent: Intent,
): Promise<number> {
  const reserved = Buffer.byteLength(JSON.stringify(intent.resource), 'utf8');
  const chunks = chunksOf(intent.put, intent.remove, reserved);
  await transact(
    db,
    [
      leaseAction,
      ...claimed.map((u) => putUnique(db, tenantId, 'Group', u, groupId)),
      ...chunks.map((chunk, index) => ({
        Put: {
          TableName: db.table,
          Item: {
            ...keys.groupIntent(tenantId, groupId, intentId, index),
            entity: 'GroupIntent',
            tenantId,
            groupId,
            exact: intent.exact,
            put: chunk.put,
            remove: chunk.remove,
            ...(index === 0 ? { resource: intent.resource, removedUniques: intent.removedUniques } : {}),
          },
        },
      })),
    ],
    claimed,
  );
  return chunks.length;
}

async function applyMembers(
  db: Db,
  tenantId: string,
  groupId: string,
  put: readonly string[],
  remove: readonly string[],
  writeDeadline: number,
  retryAt: number,
): Promise<void> {
  const work: (() => Promise<void>)[] = [];
  for (let i = 0; i < remove.length; i += BATCH) {
    const ids = remove.slice(i, i + BATCH);
    work.push(() => removeMembers(db, tenantId, groupId, ids));
  }
  for (let i = 0; i < put.length; i += BATCH) {
    const ids = put.slice(i, i + BATCH);
    work.push(() => addMembers(db, tenantId, groupId, ids));
  }
  let next = 0;
  let late = false;
  await Promise.all(
    Array.from({ length: Math.min(WRITE_LANES, work.length) }, async () => {
      while (next < work.length && !late) {
        if (Date.now() >= writeDeadline) {
          late = true;
          break;
        }
        const job = work[next] as () => Promise<void>;
        next += 1;
        await job();
      }
    }),
  );
  if (late) throw new GroupChangeUnfinished(retryAt);
}

async function finish(
  db: Db,
  tenantId: string,
  before: StoredResource,
  owner: string,
  intentId: string,
  chunkCount: number,
  resource: ScimResource,
  removedUniques: readonly UniqueValue[],
): Promise<StoredResource> {
  const after = nextVersion(before, resource);
  await transact(
    db,
    [
      {
        Put: {
          TableName: db.table,
          Item: toItem(tenantId, 'Group', after),
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        },
      },
      ...Array.from({ length: chunkCount }, (_, index) => ({
        Delete: { TableName: db.table, Key: keys.groupIntent(tenantId, before.id, intentId, index) },
      })),
      ...removedUniques.map((u) => deleteUnique(db, tenantId, 'Group', u, before.id)),
    ],
    [],
  );
  return after;
}

/**
 * Finishes the change of an expired lease (its holder is gone): takes the lease over, applies the
 * stored change again (membership writes are idempotent) and commits it. Throws VersionConflict
 * when someone else took it over first.
 */
export async function recoverExpiredLease(
  db: Db,
  tenantId: string,
  record: GroupRecord,
  owner: string,
  timing: LeaseTiming,
): Promise<void> {
  const lease = record.lease;
  if (!lease) return;
  const groupId = record.stored.id;
  const expires = timing.writeDeadline + timing.marginMs;
  const takenOver = await updateLease(db, tenantId, groupId, {
    UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires',
    ConditionExpression: 'leaseOwner = :old AND leaseExpires = :oldExpires',
    ExpressionAttributeValues: { ':owner': owner, ':expires': expires, ':old': lease.owner, ':oldExpires': lease.expires },
  });
  if (!takenOver) throw new VersionConflict();
  const intent = await readIntent(db, tenantId, groupId, lease.intent);
  if (!intent) {
    // Locked (lockGroup) but stopped before storing a change: nothing to finish.
    await unlockGroup(db, tenantId, groupId, owner);
    return;
  }
  let remove = intent.remove;
  if (intent.exact) {
    const wanted = new Set(intent.put);
    const current = await allMembers(db, tenantId, groupId);
    remove = current.filter((id) => !wanted.has(id));
  }
  await applyMembers(db, tenantId, groupId, intent.put, remove, timing.writeDeadline, expires);
  await finish(db, tenantId, record.stored, owner, lease.intent, intent.chunks, intent.resource, intent.removedUniques);
}

async function readIntent(db: Db, tenantId: string, groupId: string, intentId: string): Promise<(Intent & { chunks: number }) | undefined> {
  const put: string[] = [];
  const remove: string[] = [];
  let first: Record<string, unknown> | undefined;
  let chunks = 0;
  const read = (startKey: StartKey | undefined) =>
    queryPrefix(db, {
      partition: keys.groupIntent(tenantId, groupId, intentId, 0).PK,
      prefix: `${sortKeyPrefix.intent}${intentId}#`,
      ...startingAt(startKey),
    });
  for await (const page of pages(read)) {
    for (const item of page.items) {
      first ??= item;
      chunks += 1;
      put.push(...((item.put as string[] | undefined) ?? []));
      remove.push(...((item.remove as string[] | undefined) ?? []));
    }
  }
  if (!first) return undefined;
  return {
    exact: first.exact === true,
    put,
    remove,
    resource: first.resource as ScimResource,
    removedUniques: (first.removedUniques as UniqueValue[] | undefined) ?? [],
    chunks,
  };
}

/** Every member id of a group (consistent Query pages of 1,000). */
export async function allMembers(db: Db, tenantId: string, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages((startKey) => listMembers(db, tenantId, groupId, startingAt(startKey)))) ids.push(...page.userIds);
  return ids;
}
