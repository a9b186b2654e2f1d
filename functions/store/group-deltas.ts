/**
 * The member delta of a group write too large for one transaction (the leased path; up to a
 * 100,000-member replace): who joined and who left cannot sit on the group item (400 KB), so the
 * lease holder writes it as chunk items beside the group's members, just before the version that
 * commits the change, and that version names them on its `memberDelta` (deltaId, chunk count). The
 * stream consumers that need the ids (the event outbox: one SET per chunk; the activity recorder:
 * one record per member) read the chunks when they see that version. Chunks expire after the longest
 * time a consumer may still need them (stream retention plus redrive).
 */
import { environment } from '../commons/environment';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './conditional-write';
import type { Db } from './db';
import { keys, sortKeyPrefix } from './keys';
import { batchWrite } from './batch-write';
import { pages, startingAt, type StartKey } from './paging';
import { queryPrefix } from './partition';
import { describeStreamItem, type ChunkedDelta, type MemberDelta } from './stream-items';
import { TTL_ATTRIBUTE } from './table-definition';

/** Chunks are kept this long: longer than a stream's retention (24 h) and a failed batch's redrive window. */
const DELTA_RETENTION_SECONDS = 15 * 86_400;

/**
 * The ids in order, added first, `environment.groupDeltaChunkIds()` a chunk (500: a chunk is one SET,
 * which stays near 25 KB, docs/events.md).
 */
function deltaChunks(added: readonly string[], removed: readonly string[]): MemberDelta[] {
  const size = environment.groupDeltaChunkIds();
  const all = [...added.map((id) => ({ id, added: true })), ...removed.map((id) => ({ id, added: false }))];
  const chunks: MemberDelta[] = [];
  for (let i = 0; i < all.length; i += size) {
    const part = all.slice(i, i + size);
    chunks.push({ added: part.filter((m) => m.added).map((m) => m.id), removed: part.filter((m) => !m.added).map((m) => m.id) });
  }
  return chunks;
}

/** Writes the chunks (idempotent: a writer finishing someone else's change writes the same keys again). */
export async function writeDeltaChunks(
  db: Db,
  tenantId: string,
  groupId: string,
  deltaId: string,
  delta: MemberDelta,
): Promise<ChunkedDelta> {
  const chunks = deltaChunks(delta.added, delta.removed);
  const expires = Math.floor(Date.now() / 1000) + DELTA_RETENTION_SECONDS;
  await batchWrite(
    db,
    chunks.map((chunk, index) => ({
      PutRequest: {
        Item: {
          ...keys.groupDelta(tenantId, groupId, deltaId, index),
          entity: 'GroupDelta',
          tenantId,
          groupId,
          added: chunk.added,
          removed: chunk.removed,
          [TTL_ATTRIBUTE]: expires,
        },
      },
    })),
  );
  return { deltaId, chunks: chunks.length, addedCount: delta.added.length, removedCount: delta.removed.length };
}

/** A chunk as stored: its ids, and whether the activity recorder has written its records (recordedAt). */
export interface StoredDeltaChunk extends MemberDelta {
  readonly recorded: boolean;
}

/** The first `count` chunks of a delta, in order (fewer if some expired). */
export async function readDeltaChunks(db: Db, write: ChunkedWrite): Promise<StoredDeltaChunk[]> {
  const chunks: StoredDeltaChunk[] = [];
  const read = (startKey: StartKey | undefined) =>
    queryPrefix(db, {
      partition: keys.groupDelta(write.tenantId, write.groupId, write.deltaId, 0).PK,
      prefix: `${sortKeyPrefix.delta}${write.deltaId}#`,
      ...startingAt(startKey),
    });
  for await (const page of pages(read)) {
    for (const item of page.items) {
      if (chunks.length < write.chunks)
        chunks.push({
          added: (item.added as string[]) ?? [],
          removed: (item.removed as string[]) ?? [],
          recorded: typeof item.recordedAt === 'number',
        });
    }
  }
  return chunks;
}

/**
 * The activity recorder's progress through a large write: chunk `index` has its records written. A
 * recorder stopped by its deadline resumes after the marked chunks (functions/activity/recorder.ts).
 */
export async function markDeltaChunkRecorded(db: Db, write: ChunkedWrite, index: number): Promise<void> {
  await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.groupDelta(write.tenantId, write.groupId, write.deltaId, index),
        UpdateExpression: 'SET recordedAt = :now',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':now': Date.now() },
      }),
    ),
  );
}

/** A group version that names a large write's delta chunks: which group, which delta, how many chunks. */
export interface ChunkedWrite {
  readonly tenantId: string;
  readonly groupId: string;
  readonly deltaId: string;
  readonly chunks: number;
}

/**
 * The delta a group version names, when a stream record (its new and old images) is that version's
 * write; undefined for every other record. (A group created leased keeps version 1 from its first item
 * to the one that commits its members: the delta id tells the commit apart.)
 */
export function chunkedWriteOf(
  newImage: Record<string, unknown> | undefined,
  oldImage: Record<string, unknown> | undefined,
): ChunkedWrite | undefined {
  const item = describeStreamItem(newImage);
  const before = describeStreamItem(oldImage);
  // A lease taken or released keeps the item's delta: only the write that named these chunks reads them.
  if (item.kind !== 'resource' || !item.chunkedDelta) return undefined;
  if (before.kind === 'resource' && before.chunkedDelta?.deltaId === item.chunkedDelta.deltaId) return undefined;
  return { tenantId: item.tenantId, groupId: item.id, deltaId: item.chunkedDelta.deltaId, chunks: item.chunkedDelta.chunks };
}

/** The chunks of the delta a stream record's write names (chunkedWriteOf), read; undefined for every other record. */
export async function deltaChunksOfWrite(
  db: Db,
  newImage: Record<string, unknown> | undefined,
  oldImage: Record<string, unknown> | undefined,
): Promise<MemberDelta[] | undefined> {
  const write = chunkedWriteOf(newImage, oldImage);
  return write ? (await readDeltaChunks(db, write)).map(({ added, removed }) => ({ added, removed })) : undefined;
}
