/**
 * The intent: a change too large for one transaction, stored in the same transaction that takes the
 * group's lease (in chunks under the item limit, bounded by the 1 MB request body), so that whoever
 * finds the lease expired can finish the change from it (recover.ts). A replacement's member delta
 * (who joined and who left: its leavers are not bounded by the request body, up to a whole 100,000-member
 * group) is written as chunk items before the intent (group-deltas.ts), and the intent only names them,
 * so the writer finishing it commits the same delta whatever its size.
 */
import type { ScimResource } from '../../scim/schema/types';
import type { UniqueValue } from '../../scim/schema/uniqueness';
import type { Db } from '../db';
import { keys, sortKeyPrefix } from '../keys';
import { pages, startingAt, type StartKey } from '../paging';
import { queryPrefix } from '../partition';
import { putUnique } from '../resources';
import type { ChunkedDelta, MemberDelta } from '../stream-items';
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
  /** A replacement's delta, already written as chunk items (group-deltas.ts writeDeltaChunks). */
  readonly deltaChunks?: ChunkedDelta;
  /** The delta's ids, as intents stored them before the chunks came first (read, never written). */
  readonly delta?: MemberDelta;
}

type IntentList = 'put' | 'remove';
type IntentChunk = Record<IntentList, string[]>;

/** Ids in chunks under the item limit; the first chunk also carries `reserved` bytes (the resource). */
function chunksOf(lists: Record<IntentList, readonly string[]>, reserved: number): IntentChunk[] {
  const empty = (): IntentChunk => ({ put: [], remove: [] });
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
  (['put', 'remove'] as const).forEach((list) => lists[list].forEach((id) => add(list, id)));
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
  const chunks = chunksOf({ put: intent.put, remove: intent.remove }, reserved);
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
            ...(index === 0 && intent.deltaChunks ? { deltaChunks: intent.deltaChunks } : {}),
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
  const deltaChunks = first.deltaChunks as ChunkedDelta | undefined;
  return {
    exact: first.exact === true,
    put,
    remove,
    resource: first.resource as ScimResource,
    removedUniques: (first.removedUniques as UniqueValue[] | undefined) ?? [],
    ...(typeof deltaChunks?.deltaId === 'string' ? { deltaChunks } : {}),
    ...(typeof addedCount === 'number' ? { delta: { added: put.slice(0, addedCount), removed } } : {}),
    chunks,
  };
}
