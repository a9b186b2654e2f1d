/**
 * `npm start` as operators run it, in a child process: data written over HTTP survives a kill -9
 * of the server and a restart on the same SCIM_DATA_DIR (the orphaned DynamoDB Local is taken
 * over), and SIGTERM stops the server and DynamoDB Local. Its database file shows the index the
 * launcher gives DynamoDB Local's stream records (local/java/LoopbackDynamoDbLocal.java).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../local/dynamodb-local';
import { freePort } from '../../local/free-port';
import { generateToken } from '../../functions/credentials/secret-token';
import { USER } from '../support/urns';
import { exited, startServerProcess } from '../support/server-process';

const token = generateToken();
let dataDir: string;
let port: number;

/** `ownGroup`: the server leads a process group of its own, which a test can kill as a whole. */
const startServer = async (ownGroup = false): Promise<ChildProcess> =>
  (await startServerProcess({ port, dataDir, tenants: `acme=${token}`, ownGroup })).child;

const request = (method: string, path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${port}/tenants/acme/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-restart-'));
  port = await freePort();
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

/** The query DynamoDB Local runs on every call on a table with a stream (LoopbackDynamoDbLocal.java) reads an index, not every record. */
async function expectStreamRecordsIndexed(databaseFile: string): Promise<void> {
  // node:sqlite (Node 22) reads DynamoDB Local's SQLite file; @types/node 20 does not declare it.
  type Database = { prepare(sql: string): { all(...values: string[]): Record<string, unknown>[] }; close(): void };
  const { DatabaseSync } = (await import('node:sqlite' as string)) as { DatabaseSync: new (file: string, options: object) => Database };
  const db = new DatabaseSync(databaseFile, { readOnly: true });
  try {
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'us'`).all();
    expect(indexes.map((row) => row.name).sort()).toEqual(['scim_us_shard', 'scim_us_stream']);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?').all('a stream');
    expect(plan.map((row) => row.detail).join('; ')).toContain('USING COVERING INDEX scim_us_stream');
  } finally {
    db.close();
  }
}

describe('the local server across a crash', () => {
  it('keeps data through kill -9 and a restart, and stops DynamoDB Local on SIGTERM', async () => {
    const first = await startServer();
    const created = await request('POST', '/Users', { schemas: [USER], userName: 'survivor@example.com', title: 'Kept' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    first.kill('SIGKILL');
    await exited(first);

    const second = await startServer();
    const read = await request('GET', `/Users/${id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, userName: 'survivor@example.com', title: 'Kept' });

    const java = JSON.parse(await readFile(join(dataDir, 'dynamodb-local.json'), 'utf8')) as { pid: number };
    second.kill('SIGTERM');
    await exited(second);
    const deadline = Date.now() + 10_000;
    while (isAlive(java.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(java.pid)).toBe(false);
    await expectStreamRecordsIndexed(join(dataDir, 'dynamodb', 'shared-local-instance.db'));
  }, 180_000);

  it('keeps a write answered just before kill -9 of the whole process group (finding 7)', async () => {
    const first = await startServer(true);
    const created = await request('POST', '/Users', { schemas: [USER], userName: 'last-word@example.com' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // At once: DynamoDB Local acknowledges a transaction some milliseconds before it is on disk, so
    // this only passes because java runs outside the server's process group and is stopped gently.
    process.kill(-(first.pid as number), 'SIGKILL');
    await exited(first);

    const second = await startServer();
    const read = await request('GET', `/Users/${id}`);
    expect(read.status).toBe(200);
    second.kill('SIGTERM');
    await exited(second);
  }, 180_000);
});
