/**
 * The restore runbook rehearsed on DynamoDB Local (issue #26, docs/operations.md "Restore the
 * table"): a table with two tenants is exported (a full scan to JSON Lines, as a PITR or backup
 * restore copies every item), a NEW table is created from the project's table definition, the items
 * are imported, and the service started on the new table answers a tenant's users, groups and
 * memberships exactly as before, to the tenant's old token, with the other tenant still apart.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../functions/store/dynamodb-client';
import { ensureTable } from '../../local/local-table';
import { startLocalStack, type LocalStack } from '../../local/server';
import { deleteTable, runDynamoEndpoint, uniqueTableName } from '../support/dynamodb';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'acme';
const OTHER = 'globex';
const source = uniqueTableName('restore-source');
const target = uniqueTableName('restore-target');
let admin: DynamoDBClient;
let dir: string;
let before: TestStack;
let restored: LocalStack | undefined;
const userIds: string[] = [];
let groupId = '';

/** Full scan, every item in DynamoDB JSON, one per line: what a restore copies. */
async function exportTable(table: string, file: string): Promise<number> {
  const lines: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await admin.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) lines.push(JSON.stringify(item));
    start = page.LastEvaluatedKey;
  } while (start);
  await writeFile(file, lines.map((line) => `${line}\n`).join(''));
  return lines.length;
}

async function importTable(file: string, table: string): Promise<number> {
  const items = (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, AttributeValue>);
  for (let at = 0; at < items.length; at += 25) {
    let requests: WriteRequest[] = items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await admin.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = UnprocessedItems?.[table] ?? [];
    }
  }
  return items.length;
}

/** What a tenant's admin sees: every user (with its groups), every group (with its members). */
async function view(get: (tenant: string, path: string) => Promise<{ status: number; body: Json }>, tenant: string) {
  const users = await get(tenant, '/Users?count=100&sortBy=userName');
  const groups = await get(tenant, '/Groups?count=100');
  const each = await Promise.all(userIds.map((id) => get(tenant, `/Users/${id}?attributes=groups,userName,active,name`)));
  const group = await get(tenant, `/Groups/${groupId}`);
  return { users, groups, each, group };
}

/** The same documents with the server's origin taken out (the restored stack listens on another port). */
const withoutOrigin = (value: unknown, origin: string) => JSON.parse(JSON.stringify(value).split(origin).join('<origin>')) as unknown;

beforeAll(async () => {
  admin = new DynamoDBClient(clientConfig({ ...process.env, DYNAMODB_ENDPOINT: runDynamoEndpoint() }));
  dir = await mkdtemp(join(tmpdir(), 'scim-restore-'));
  before = await startTestStack({ tenants: [T, OTHER], tableName: source });
  const call = async (method: string, path: string, body?: unknown, tenant = T) =>
    (await before.request(tenant, method, path, body)).body as Json;
  for (const name of ['ada', 'grace', 'edsger']) {
    const user = await call('POST', '/Users', { schemas: [USER], userName: `${name}@example.com`, name: { givenName: name } });
    userIds.push(user.id as string);
  }
  await call('PATCH', `/Users/${String(userIds[2])}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  const group = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineers', members: [{ value: userIds[0] }] });
  groupId = group.id as string;
  await call('PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'members', value: [{ value: userIds[1] }] }],
  });
  await call('POST', '/Users', { schemas: [USER], userName: 'someone@globex.example' }, OTHER);
  await before.stack.drainStreams();
}, 120_000);

afterAll(async () => {
  await restored?.stop();
  await before?.stop().catch(() => undefined);
  for (const table of [source, target]) await deleteTable(table).catch(() => undefined);
  admin?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore to a new table (export, create, import)', () => {
  it("keeps a tenant's users, groups and memberships, its token and its isolation, as the SCIM API shows them", async () => {
    const read = async (tenant: string, path: string) => {
      const response = await before.request(tenant, 'GET', path);
      return { status: response.status, body: response.body as Json };
    };
    const original = await view(read, T);
    expect(original.group.body.members.map((m: Json) => m.value).sort()).toEqual([userIds[0], userIds[1]].sort());
    expect(original.each[0]?.body.groups).toEqual([expect.objectContaining({ value: groupId })]);
    const originalOther = await read(OTHER, '/Users');
    const origin = before.baseUrl(T).replace(/\/tenants\/.*$/, '');
    await before.stack.stop();

    const file = join(dir, 'export.jsonl');
    const exported = await exportTable(source, file);
    await ensureTable(admin, target);
    expect(await importTable(file, target)).toBe(exported);

    restored = await startLocalStack({ port: 0, tableName: target, dynamoEndpoint: runDynamoEndpoint(), log: () => undefined });
    const restoredRead = async (tenant: string, path: string) => {
      const response = await fetch(`${restored?.tenantUrl(tenant) ?? ''}${path}`, {
        headers: { Authorization: `Bearer ${before.token(tenant)}` },
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const after = await view(restoredRead, T);
    const restoredOrigin = restored.url;
    expect(withoutOrigin(after, restoredOrigin)).toEqual(withoutOrigin(original, origin));
    expect(after.users.body.totalResults).toBe(3);
    expect(after.each.map((user) => user.body.active === false)).toEqual([false, false, true]);
    expect(withoutOrigin(await restoredRead(OTHER, '/Users'), restoredOrigin)).toEqual(withoutOrigin(originalOther, origin));
    // Still apart: acme's token reads nothing of globex.
    const crossed = await fetch(`${restored.tenantUrl(OTHER)}/Users`, { headers: { Authorization: `Bearer ${before.token(T)}` } });
    expect(crossed.status).toBe(403);
  });
});
