/**
 * The two homes of failed stream batches (functions/events/failed-batch.ts): the S3 bucket the
 * stack creates (the CLI's redrive in AWS; the tests on moto), and a folder for `npm start`
 * (`<dataDir>/failed-batches/`), where the local stream poller puts what the consumers failed.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REDRIVEN_PREFIX, type FailedBatchStore } from '../functions/events/failed-batch';

export function s3FailedBatchStore(client: S3Client, bucket: string): FailedBatchStore {
  return {
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    },
    async pending() {
      const keys: { key: string; modified: number }[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (object.Key && !object.Key.startsWith(REDRIVEN_PREFIX))
            keys.push({ key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort((a, b) => a.modified - b.modified || a.key.localeCompare(b.key)).map((k) => k.key);
    },
    async get(key) {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) throw new Error(`s3://${bucket}/${key} is empty`);
      return Body.transformToString('utf8');
    },
    async markRedriven(key) {
      const source = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: `${REDRIVEN_PREFIX}${key}`, CopySource: source }));
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

export function directoryFailedBatchStore(dir: string): FailedBatchStore {
  const walk = async (at: string): Promise<string[]> => {
    const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
      entries.map((entry) => (entry.isDirectory() ? walk(join(at, entry.name)) : Promise.resolve([join(at, entry.name)]))),
    );
    return nested.flat();
  };
  const keyOf = (file: string) => relative(dir, file).split(sep).join('/');
  return {
    async put(key, body) {
      const file = join(dir, key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body, { mode: 0o600 });
    },
    async pending() {
      return (await walk(dir))
        .map(keyOf)
        .filter((key) => !key.startsWith(REDRIVEN_PREFIX))
        .sort();
    },
    get: (key) => readFile(join(dir, key), 'utf8'),
    async markRedriven(key) {
      const target = join(dir, REDRIVEN_PREFIX, key);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(dir, key), target);
    },
  };
}
