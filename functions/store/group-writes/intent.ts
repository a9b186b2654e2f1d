/**
 * The intent: a change too large for one transaction, stored in the same transaction that takes the
 * group's lease (in chunks under the item limit, bounded by the 1 MB request body), so that whoever
 * finds the lease expired can finish the change from it (recover.ts). A replacement also stores who
 * joined and who left, so that the writer finishing it writes the same member delta (group-deltas.ts).
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { keys, sortKeyPrefix } from '../keys';
import { pages, startingAt, type StartKey } from '../paging';
import { queryPrefix } from '../partition';
import { putUnique } from '../resources';
import type { MemberDelta } from '../stream-items';
import { transact, type TransactAction } from './transact';

/** Intent chunk payload, well under DynamoDB's 400 KB item limit. */
const INTENT_CHUNK_BYTES = 300_000;
/**
 * A replacement's delta is stored only while the intent stays this small: TransactWriteItems takes 4 MB
 * in all. The joiners cost nothing (they lead the list, `addedCount` says how many); the leavers are
 * ids of their own, not bounded by the request body. Above it, the change is stored without its delta.
 */
const INTENT_BYTES_WITH_DELTA = 3_000_000;

/** The stored form of a large change: what a recovering writer needs to finish it. */
export interface Intent {
  readonly exact: boolean;
  readonly put: readonly string[];
  readonly remove: readonly string[];
  readonly resource: ScimResource;
  readonly removedUniques: readonly UniqueValue[];
  /** A replacement's (exact) delta: who joined and who left. Absent when not stored. */
  readonly delta?: MemberDelta;
}

type IntentList = 'put' | 'remove' | 'removed';
type IntentChunk = Record<IntentList, string[]>;

const idBytes = (ids: readonly string[]) => ids.reduce((sum, id) => sum + Buffer.byteLength(id, 'utf8') + 8, 0);

/** Ids in chunks under the item limit; the first chunk also carries `reserved` bytes (the resource). */
function chunksOf(lists: Record<IntentList, readonly string[]>, reserved: number): IntentChunk[] {
  const empty = (): IntentChunk => ({ put: [], remove: [], removed: [] });
  const chunks: IntentChunk[] = [empty()];
  let bytes = reserved;
  const add = (list: IntentList, id: string) => {
    const size = Buffer.byteLength(id, 'utf8') + 8;
    if (bytes + size > INTENT_CHUNK_BYTES) {
      chunks.push(empty());
      bytes = 0;
    }
    (chunks[chunks.length - 1] as IntentChunk)[list].push(id);
    bytes += size;
  };
  (['put', 'remove', 'removed'] as const).forEach((list) => lists[list].forEach((id) => add(list, id)));
  return chunks;
}

/** The lists to store: a replacement's delta (when it fits) as its joiners first in `put`, counted, and its leavers. */
function listsOf(intent: Intent, reserved: number): { lists: Record<IntentList, readonly string[]>; addedCount?: number } {
  const plain = { put: intent.put, remove: intent.remove, removed: [] };
  const delta = intent.exact ? intent.delta : undefined;
  if (!delta || reserved + idBytes(intent.put) + idBytes(intent.remove) + idBytes(delta.removed) > INTENT_BYTES_WITH_DELTA) {
    return { lists: plain };
  }
  const joined = new Set(delta.added);
  const put = [...delta.added, ...intent.put.filter((id) => !joined.has(id))];
  return { lists: { put, remove: intent.remove, removed: delta.removed }, addedCount: delta.added.length };
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
  const { lists, addedCount } = listsOf(intent, reserved);
  const chunks = chunksOf(lists, reserved);
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
            ...(addedCount !== undefined ? { removed: chunk.removed } : {}),
            ...(index === 0 ? { resource: intent.resource, removedUniques: intent.removedUniques } : {}),
            ...(index === 0 && addedCount !== undefined ? { addedCount } : {}),
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
  const removed: string[] = [];
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
      removed.push(...((item.removed as string[] | undefined) ?? []));
    }
  }
  if (!first) return undefined;
  const addedCount = first.addedCount;
  return {
    exact: first.exact === true,
    put,
    remove,
    resource: first.resource as ScimResource,
    removedUniques: (first.removedUniques as UniqueValue[] | undefined) ?? [],
    ...(typeof addedCount === 'number' ? { delta: { added: put.slice(0, addedCount), removed } } : {}),
    chunks,
  };
}
