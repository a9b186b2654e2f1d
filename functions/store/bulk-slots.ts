/**
 * A tenant's cap on concurrent `POST /Bulk` requests: N slot items, each a lease. A request takes
 * the first free slot with a conditional put (free: absent, or its lease expired — a crashed
 * function frees its slot by expiry) and deletes it when done. No free slot: the caller answers 429.
 * This keeps one tenant's bulk load to N concurrent executions however fast it sends.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';
import { errorNamed } from '../commons/error-named';

export interface BulkSlot {
  readonly slot: number;
  readonly owner: string;
}

/** The first free slot of `slots`, leased until `leaseMs` from now; undefined when all are taken. */
export async function takeBulkSlot(db: Db, tenantId: string, slots: number, owner: string, leaseMs: number): Promise<BulkSlot | undefined> {
  const now = Date.now();
  for (let slot = 0; slot < slots; slot += 1) {
    try {
      await db.client.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.bulkSlot(tenantId, slot),
            entity: 'BulkSlot',
            tenantId,
            owner,
            leaseExpires: now + leaseMs,
            [TTL_ATTRIBUTE]: Math.ceil((now + leaseMs) / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR leaseExpires < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return { slot, owner };
    } catch (error) {
      if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
    }
  }
  return undefined;
}

/** Frees a slot this owner holds (a slot whose lease expired and was taken by another is left alone). */
export async function releaseBulkSlot(db: Db, tenantId: string, held: BulkSlot): Promise<void> {
  try {
    await db.client.send(
      new DeleteCommand({
        TableName: db.table,
        Key: keys.bulkSlot(tenantId, held.slot),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': held.owner },
      }),
    );
  } catch (error) {
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}
