/**
 * The secret that signs pagination cursors. Kept in the table (one item, created on first use) so
 * every function instance and the local server share it without another service; it never leaves
 * the backend and is not tenant data.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys } from './keys';
import { errorNamed } from '../commons/error-named';

const cache = new WeakMap<Db, Promise<Buffer>>();

export function cursorKey(db: Db): Promise<Buffer> {
  let key = cache.get(db);
  if (!key) {
    key = loadOrCreate(db);
    // A failed load is not cached: the next request tries again.
    key.catch(() => cache.delete(db));
    cache.set(db, key);
  }
  return key;
}

async function loadOrCreate(db: Db): Promise<Buffer> {
  const existing = await read(db);
  if (existing) return existing;
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.cursorKey(), entity: 'CursorKey', secret: randomBytes(32).toString('base64') },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    // Another instance created it first: use theirs.
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
  const created = await read(db);
  if (!created) throw new Error('cursor key missing after creation');
  return created;
}

async function read(db: Db): Promise<Buffer | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.cursorKey(), ConsistentRead: true }));
  return typeof Item?.secret === 'string' ? Buffer.from(Item.secret, 'base64') : undefined;
}
