/**
 * The intent: a change too large for one transaction, stored in the same transaction that takes the
 * group's lease (in chunks under the item limit, bounded by the 1 MB request body), so that whoever
 * finds the lease expired can finish the change from it (recover.ts).
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { keys, sortKeyPrefix } from '../keys';
import { pages, startingAt, type StartKey } from '../paging';
import { queryPrefix } from '../partition';
import { putUnique } from '../resources';
import { transact, type TransactAction } from './transact';

/** Intent chunk payload, well under DynamoDB's 400 KB item limit. */
const INTENT_CHUNK_BYTES = 300_000;

/** The stored form of a large change: what a recovering writer needs to finish it. */
export interface Intent {
  readonly exact: boolean;
  readonly put: readonly string[];
  readonly remove: readonly string[];
  readonly resource: ScimResource;
  readonly removedUniques: readonly UniqueValue[];
}

interface IntentChunk {
  readonly put: string[];
  readonly remove: string[];
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

/**
 * One transaction: the lease on the group (`leaseAction`), new unique values (`claimed`), the intent
 * items under `intentId`, then `extra` (a create's count change). Returns the chunk count.
 */
export async function storeIntent(
  db: Db,
  tenantId: string,
  groupId: string,
  leaseAction: TransactAction,
  claimed: readonly UniqueValue[],
  intentId: string,
  intent: Intent,
  extra: readonly TransactAction[] = [],
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
      ...extra,
    ],
    claimed,
  );
  return chunks.length;
}

/** The delete actions of a stored intent's chunks (in the transaction that finishes the change). */
export const intentDeletes = (db: Db, tenantId: string, groupId: string, intentId: string, chunkCount: number) =>
  Array.from({ length: chunkCount }, (_, index) => ({
    Delete: { TableName: db.table, Key: keys.groupIntent(tenantId, groupId, intentId, index) },
  }));

/** The change stored under `intentId`, with its chunk count; undefined when none was stored. */
export async function readIntent(
  db: Db,
  tenantId: string,
  groupId: string,
  intentId: string,
): Promise<(Intent & { chunks: number }) | undefined> {
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
