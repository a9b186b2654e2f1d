/**
 * Where the local stream poller has got to, per shard, kept in the data folder
 * (`<dataDir>/stream-checkpoints.json`): after a restart it resumes after the last batch it handled
 * instead of re-reading the stream from its trim horizon (which re-sent every SET after every
 * restart). Lambda's event source mapping keeps the same position in AWS. A checkpoint is written
 * only after every function has handled the batch (or it went to the failed-batch store), so a kill
 * between the two re-reads that one batch: at least once, with duplicates limited to it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface ShardCheckpoint {
  /** The last sequence number handled. */
  readonly sequenceNumber?: string;
  /** The shard is closed and was read to its end. */
  readonly closed?: boolean;
}

export interface StreamCheckpoints {
  /** The shard's checkpoint, if one was kept for this stream. */
  get(shardId: string): ShardCheckpoint | undefined;
  /** Records a handled batch (or a shard read to its end) and writes the file at once. */
  set(shardId: string, checkpoint: ShardCheckpoint): void;
}

interface CheckpointFile {
  readonly streamArn: string;
  readonly shards: Record<string, ShardCheckpoint>;
}

export const CHECKPOINT_FILE = 'stream-checkpoints.json';

/** In memory only: a stack without a data folder starts from the trim horizon each time. */
export function memoryCheckpoints(): StreamCheckpoints {
  const shards = new Map<string, ShardCheckpoint>();
  return { get: (shardId) => shards.get(shardId), set: (shardId, checkpoint) => void shards.set(shardId, checkpoint) };
}

/**
 * The file's checkpoints for `streamArn`. A file written for another stream (the table was
 * re-created) is ignored and replaced. Writes go to a temporary file renamed over the old one, so a
 * kill mid-write leaves the previous checkpoint, never a torn one.
 */
export function fileCheckpoints(file: string, streamArn: string): StreamCheckpoints {
  const stored = readCheckpointFile(file);
  const shards: Record<string, ShardCheckpoint> = stored?.streamArn === streamArn ? { ...stored.shards } : {};
  return {
    get: (shardId) => shards[shardId],
    set: (shardId, checkpoint) => {
      shards[shardId] = checkpoint;
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, JSON.stringify({ streamArn, shards } satisfies CheckpointFile));
      renameSync(temporary, file);
    },
  };
}

function readCheckpointFile(file: string): CheckpointFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CheckpointFile>;
    return typeof parsed.streamArn === 'string' && typeof parsed.shards === 'object' && parsed.shards !== null
      ? { streamArn: parsed.streamArn, shards: parsed.shards }
      : undefined;
  } catch {
    return undefined;
  }
}
