/**
 * The group's lease: three attributes on the group item (leaseOwner, leaseExpires, leaseIntent)
 * that make every other write of the group wait while one writer applies a change too large for one
 * transaction. A lease outlives its holder's last possible write, so an expired one can be taken
 * over and its stored change finished (recover.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../conditional-write';
import type { Db } from '../db';
import { keys } from '../keys';
import { VersionConflict } from '../store-errors';
import type { GroupLease } from './read';

export interface LeaseTiming {
  /** The holder sends no write after this (epoch ms). */
  readonly writeDeadline: number;
  /** How long a lease outlives writeDeadline: longer than any write already sent can take. */
  readonly marginMs: number;
}

export const leaseExpiry = (timing: LeaseTiming): number => timing.writeDeadline + timing.marginMs;

/**
 * Takes the group's lease before reading it (no version condition), so a writer whose optimistic
 * attempts keep losing to a stream of member adds is certain to get its turn: while it holds the
 * lease, every other write waits. It then reads the group, computes its change and commits it with
 * `lockedBy` (or releases the lease with unlockGroup). False when the group is gone or already leased.
 */
export async function lockGroup(db: Db, tenantId: string, groupId: string, owner: string, timing: LeaseTiming): Promise<boolean> {
  return updateLease(db, tenantId, groupId, {
    UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires, leaseIntent = :owner',
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(leaseOwner)',
    ExpressionAttributeValues: { ':owner': owner, ':expires': leaseExpiry(timing) },
  });
}

/** Releases a lease that stored no change; a lease that is no longer ours is left alone. */
export async function unlockGroup(db: Db, tenantId: string, groupId: string, owner: string): Promise<void> {
  await updateLease(db, tenantId, groupId, {
    UpdateExpression: 'REMOVE leaseOwner, leaseExpires, leaseIntent',
    ConditionExpression: 'leaseOwner = :owner',
    ExpressionAttributeValues: { ':owner': owner },
  });
}

/** Takes over an expired lease, unless someone else did first (VersionConflict). */
export async function takeOverLease(db: Db, tenantId: string, groupId: string, lease: GroupLease, owner: string, timing: LeaseTiming) {
  const takenOver = await updateLease(db, tenantId, groupId, {
    UpdateExpression: 'SET leaseOwner = :owner, leaseExpires = :expires',
    ConditionExpression: 'leaseOwner = :old AND leaseExpires = :oldExpires',
    ExpressionAttributeValues: { ':owner': owner, ':expires': leaseExpiry(timing), ':old': lease.owner, ':oldExpires': lease.expires },
  });
  if (!takenOver) throw new VersionConflict();
}

/** One conditional update of the group item's lease attributes; false when the condition failed. */
async function updateLease(
  db: Db,
  tenantId: string,
  groupId: string,
  update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<boolean> {
  return conditionally(db.client.send(new UpdateCommand({ TableName: db.table, Key: keys.group(tenantId, groupId), ...update })));
}
