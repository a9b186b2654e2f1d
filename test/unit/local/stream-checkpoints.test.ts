/**
 * The local stream poller's checkpoint file (local/stream-checkpoints.ts): kept across instances, ignored
 * when written for another stream or unreadable (the poller then starts at the trim horizon: at least once).
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCheckpoints } from '../../../local/stream-checkpoints';

const file = () => join(mkdtempSync(join(tmpdir(), 'checkpoints-')), 'stream-checkpoints.json');

describe('stream checkpoints', () => {
  it('are read back by the next instance on the same stream, and leave no temporary file', () => {
    const path = file();
    fileCheckpoints(path, 'arn:a').set('shard-1', { sequenceNumber: '000100' });
    fileCheckpoints(path, 'arn:a').set('shard-2', { sequenceNumber: '000200', closed: true });
    const again = fileCheckpoints(path, 'arn:a');
    expect(again.get('shard-1')).toEqual({ sequenceNumber: '000100' });
    expect(again.get('shard-2')).toEqual({ sequenceNumber: '000200', closed: true });
    expect(readdirSync(join(path, '..'))).toEqual(['stream-checkpoints.json']);
  });

  it('of another stream (a re-created table) are ignored', () => {
    const path = file();
    fileCheckpoints(path, 'arn:old').set('shard-1', { sequenceNumber: '000100' });
    expect(fileCheckpoints(path, 'arn:new').get('shard-1')).toBeUndefined();
  });

  it('in an unreadable file are ignored', () => {
    const path = file();
    writeFileSync(path, '{"streamArn": "arn:a", "shards": ');
    expect(fileCheckpoints(path, 'arn:a').get('shard-1')).toBeUndefined();
  });
});
