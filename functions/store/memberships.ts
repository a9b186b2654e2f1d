/**
 * Group memberships: one item per (group, user) in the group's own partition, with the reverse
 * index (GSI1) keyed by the user. A group of 100,000 members is 100,000 small items, never a list
 * on the group item (400 KB limit), and concurrent member changes never contend for one item.
 *
 * Writes go in BatchWriteItem calls of 25 (⌈k/25⌉ calls for k members); unprocessed items are
 * retried with backoff. Puts and deletes are idempotent, so re-adding or re-removing is harmless.
 * A deleted user's memberships go one transaction per 50 instead, each with its departure note.
 */
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchWrite, UNPROCESSED_RETRY } from './batch-write';
import type { Db } from './db';
import { GSI1 } from './table-definition';
import { pages, startingAt, type StartKey } from './paging';
import { countPrefix, queryPrefix } from './partition';
import { idFromSortKey, keys, memberOfPartition, membersPartition, sortKeyPrefix } from './keys';
import { backoff } from '../commons/retry';
import { departureNotePut } from './activity-items';
import { transactWrite, TransactionCancelled } from './transactions';

const BATCH_GET_LIMIT = 100;
/** Membership items per Query page: about 100 bytes each, far below the 1 MB page limit. */
const MEMBER_PAGE = 1000;

/** A membership item as ops see it in the table (keys, entity, both ids, when it was added). */
export function membershipItem(
  tenantId: string,
  groupId: string,
  userId: string,
  added: string = new Date().toISOString(),
): Record<string, unknown> {
  return {
    ...keys.membership(tenantId, groupId, userId),
    ...keys.membershipIndex(tenantId, groupId, userId),
    entity: 'Membership',
    tenantId,
    groupId,
    userId,
    added,
  };
}

export async function addMembers(db: Db, tenantId: string, groupId: string, userIds: readonly string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  await batchWrite(
    db,
    unique.map((userId) => ({ PutRequest: { Item: membershipItem(tenantId, groupId, userId) } })),
  );
}

export async function removeMembers(db: Db, tenantId: string, groupId: string, userIds: readonly string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  await batchWrite(
    db,
    unique.map((userId) => ({ DeleteRequest: { Key: keys.membership(tenantId, groupId, userId) } })),
  );
}

/** The ids among `userIds` that are users of this tenant (BatchGetItem, keys only). */
export async function existingUserIds(db: Db, tenantId: string, userIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH_GET_LIMIT).map((id) => keys.user(tenantId, id));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await backoff(attempt, UNPROCESSED_RETRY);
      const result = await db.client.send(
        new BatchGetCommand({
          RequestItems: { [db.table]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'id' } },
        }),
      );
      for (const item of result.Responses?.[db.table] ?? []) found.add(String(item.id));
      pending = (result.UnprocessedKeys?.[db.table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export interface MemberPage {
  readonly userIds: string[];
  readonly lastKey?: Record<string, unknown>;
}

/** One page of a group's member ids, in id order. */
export async function listMembers(
  db: Db,
  tenantId: string,
  groupId: string,
  page: { limit?: number; startKey?: Record<string, unknown> } = {},
): Promise<MemberPage> {
  const result = await queryPrefix(db, {
    partition: membersPartition(tenantId, groupId),
    prefix: sortKeyPrefix.member,
    projection: 'SK',
    limit: page.limit ?? MEMBER_PAGE,
    ...(page.startKey ? { startKey: page.startKey } : {}),
  });
  return {
    userIds: result.items.map((item) => idFromSortKey(String(item.SK), sortKeyPrefix.member)),
    ...(result.lastKey ? { lastKey: result.lastKey } : {}),
  };
}

/** The position just after a member in its group's partition: a listMembers walk resumes from it. */
export function memberPosition(tenantId: string, groupId: string, userId: string): Record<string, unknown> {
  return keys.membership(tenantId, groupId, userId);
}

/** Up to `max` member ids; `complete` is false when the group has more. Reads at most max + 1 items. */
export async function memberIdsWithin(
  db: Db,
  tenantId: string,
  groupId: string,
  max: number,
): Promise<{ userIds: string[]; complete: boolean }> {
  const userIds: string[] = [];
  const read = (startKey: StartKey | undefined) =>
    listMembers(db, tenantId, groupId, { limit: Math.min(MEMBER_PAGE, max + 1 - userIds.length), ...startingAt(startKey) });
  for await (const page of pages(read)) {
    userIds.push(...page.userIds);
    if (userIds.length > max) break;
  }
  const complete = userIds.length <= max;
  return { userIds: complete ? userIds : userIds.slice(0, max), complete };
}

export async function isMember(db: Db, tenantId: string, groupId: string, userId: string): Promise<boolean> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: keys.membership(tenantId, groupId, userId),
      ProjectionExpression: 'PK',
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

/** The groups a user belongs to, through the reverse index (eventually consistent, like every GSI). */
export async function groupIdsOfUser(db: Db, tenantId: string, userId: string): Promise<string[]> {
  const ids: string[] = [];
  const read = async (startKey: StartKey | undefined) => {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: `${GSI1.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': memberOfPartition(tenantId, userId) },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) {
    for (const item of page.items) ids.push(idFromSortKey(String(item[GSI1.sortKey]), sortKeyPrefix.group));
  }
  return ids;
}

/** A group's member count (a COUNT Query); `consistent: false` at half the read units (the stats' look). */
export async function countMembers(db: Db, tenantId: string, groupId: string, consistent = true): Promise<number> {
  return countPrefix(db, { partition: membersPartition(tenantId, groupId), prefix: sortKeyPrefix.member, consistent });
}

export interface CleanupResult {
  /** True when nothing is left; false when the deadline came first. */
  readonly complete: boolean;
  readonly deleted: number;
}

/**
 * Deletes a deleted group's membership items until `deadline` (epoch ms). Whatever is left is
 * deleted by the stream janitor, which sees the group's REMOVE record and calls this again.
 */
export async function deleteAllMembers(db: Db, tenantId: string, groupId: string, options: { deadline: number }): Promise<CleanupResult> {
  let deleted = 0;
  while (Date.now() < options.deadline) {
    const page = await listMembers(db, tenantId, groupId);
    if (page.userIds.length === 0) return { complete: true, deleted };
    await removeMembers(db, tenantId, groupId, page.userIds);
    deleted += page.userIds.length;
  }
  return { complete: false, deleted };
}

/**
 * Removes a deleted user from every group, until `deadline`; the janitor finishes any rest. Each
 * removal carries its departure note (departMemberships): the activity log's `remove_member`.
 */
export async function deleteMembershipsOfUser(
  db: Db,
  tenantId: string,
  userId: string,
  options: { deadline: number },
): Promise<CleanupResult> {
  const done = new Set<string>();
  while (Date.now() < options.deadline) {
    // The index lags the table a little: ids already deleted may still show; they are done.
    const groupIds = (await groupIdsOfUser(db, tenantId, userId)).filter((id) => !done.has(id));
    if (groupIds.length === 0) return { complete: true, deleted: done.size };
    await departMemberships(db, tenantId, userId, groupIds);
    groupIds.forEach((id) => done.add(id));
  }
  return { complete: false, deleted: done.size };
}

/** Memberships per TransactWriteItems: each is two actions (its Delete and its note), 100 at most. */
const DEPARTURES_PER_CALL = 50;

/**
 * Deletes a deleted user's memberships of these groups, each in one transaction with a departure
 * note (store/activity-items.ts) that the activity recorder turns into the group's `remove_member`.
 * The Delete requires the membership to exist: one a group write removed first (its `memberDelta`
 * records it), or another clean-up of the same user, fails its condition and leaves no note, so each
 * removal is recorded once, by the write that made it. Returns how many this call removed.
 */
export async function departMemberships(db: Db, tenantId: string, userId: string, groupIds: readonly string[]): Promise<number> {
  const plain: Db = { client: db.client, table: db.table };
  let removed = 0;
  const unique = [...new Set(groupIds)];
  for (let i = 0; i < unique.length; i += DEPARTURES_PER_CALL) {
    let pending = unique.slice(i, i + DEPARTURES_PER_CALL);
    while (pending.length > 0) {
      const at = Date.now();
      const items = pending.flatMap((groupId) => [
        {
          Delete: {
            TableName: db.table,
            Key: keys.membership(tenantId, groupId, userId),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        departureNotePut(db, tenantId, groupId, userId, at),
      ]);
      try {
        await transactWrite(plain, items);
        removed += pending.length;
        pending = [];
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        const gone = new Set(error.failed.map((index) => pending[Math.floor(index / 2)]));
        pending = pending.filter((groupId) => !gone.has(groupId));
      }
    }
  }
  return removed;
}
