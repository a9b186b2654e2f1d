/**
 * Reading a group the way its writers need it: the item with its lease (if a writer holds one),
 * consistently, and every member id of a group (for a replacement and for finishing one).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../db';
import { keys } from '../keys';
import { listMembers } from '../memberships';
import { pages, startingAt } from '../paging';
import { fromItem, type StoredResource } from '../resources';

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

export async function readGroup(db: Db, tenantId: string, id: string): Promise<GroupRecord | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.group(tenantId, id), ConsistentRead: true }));
  if (!Item) return undefined;
  const lease =
    typeof Item.leaseOwner === 'string'
      ? { owner: Item.leaseOwner, expires: Number(Item.leaseExpires), intent: String(Item.leaseIntent) }
      : undefined;
  return { stored: fromItem(Item), ...(lease ? { lease } : {}) };
}

/** Every member id of a group (consistent Query pages of 1,000). */
export async function allMembers(db: Db, tenantId: string, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages((startKey) => listMembers(db, tenantId, groupId, startingAt(startKey)))) ids.push(...page.userIds);
  return ids;
}
