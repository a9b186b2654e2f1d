/** The scim-admin CLI as operators run it (a child process), against DynamoDB Local and the local server. */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, USER } from '../support/urns';
import { runScimAdmin, type CliRun as Run } from '../support/scim-admin-cli';

const CLI = join(process.cwd(), 'bin', 'scim-admin.js');
// Each CLI run is a child process (the bundled CLI; the operators' bin/scim-admin.js through tsx takes 1-2 s of CPU a run).
jest.setTimeout(120_000);

let stack: TestStack;
let dataDir: string;
let userId: string;
let groupId: string;

/** The CLI bundled once (test/support/scim-admin-cli.ts); the last test runs it as operators do, through bin/scim-admin.js. */
function admin(...args: string[]): Promise<Run> {
  return runScimAdmin([...args, '--endpoint', stack.stack.dynamoEndpoint, '--table', stack.stack.db.table, '--data-dir', dataDir]);
}

async function withToken(tenant: string, token: string): Promise<number> {
  const response = await stack.request(tenant, 'GET', '/Users?count=1', undefined, { authorization: `Bearer ${token}` });
  return response.status;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-admin-'));
  stack = await startTestStack({
    tenants: ['acme', 'other', { tenantId: 'strict', settings: { requiredAttributes: { User: ['title'] } } }],
    // A deleted tenant stays `deleting` here (the purge that follows is tenant-purge.test.ts's).
    tenantPurge: false,
  });
  const call = async (path: string, body: Json) => (await stack.request('acme', 'POST', path, body)).body as Json;
  userId = (await call('/Users', { schemas: [USER], userName: 'Ada@Example.com', externalId: 'ext-ada', active: true })).id as string;
  await call('/Users', { schemas: [USER], userName: 'bob@example.com', active: false });
  groupId = (await call('/Groups', { schemas: [GROUP], displayName: 'Engineers', members: [{ value: userId }] })).id as string;
});
afterAll(async () => {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('scim-admin', () => {
  it('lists tenants', async () => {
    const run = await admin('tenants', 'list');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^acme\tactive\t/m);
    expect(run.stdout).toMatch(/^other\tactive\t/m);
  });

  it('finds users and groups by userName, externalId or id, and their relations', async () => {
    const byName = await admin('users', 'find', 'ada@EXAMPLE.com', '--tenant', 'acme');
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ id: userId });
    expect(JSON.parse((await admin('users', 'find', 'ext-ada', '--tenant', 'acme')).stdout)).toMatchObject({ id: userId });
    expect(JSON.parse((await admin('groups', 'find', 'engineers', '--tenant', 'acme')).stdout)).toMatchObject({ id: groupId });
    expect((await admin('groups', 'members', groupId, '--tenant', 'acme')).stdout.trim()).toBe(userId);
    expect((await admin('user', 'groups', userId, '--tenant', 'acme')).stdout.trim()).toBe(groupId);
  });

  it('counts a tenant', async () => {
    const run = await admin('stats', '--tenant', 'acme');
    expect(run.stdout).toBe('users\t2\nactiveUsers\t1\ngroups\t1\nmemberships\t1\n');
  });

  it('recounts a tenant: the exact user count repaired from a COUNT (docs/operations.md#resource-counts)', async () => {
    const run = await admin('counts', 'recount', '--tenant', 'acme');
    expect([run.code, run.stderr]).toEqual([0, '']);
    // acme's two users and its group were counted by their creates: before and after agree.
    expect(run.stdout).toBe('User\t2\t2\nGroup\t1\t1\n');
  });

  it('exports a tenant and imports it idempotently', async () => {
    const file = join(dataDir, 'acme.jsonl');
    expect((await admin('export', '--tenant', 'acme', '--file', file)).code).toBe(0);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.kind)).toEqual(['Export', 'User', 'User', 'Group', 'Membership']);
    const first = await admin('import', '--tenant', 'other', '--file', file);
    expect(first.stderr).not.toContain('rror');
    expect(first.stdout).toBe('created\t3\nupdated\t0\nunchanged\t0\nmemberships\t1\n');
    const again = await admin('import', '--tenant', 'other', '--file', file);
    expect(again.stderr).not.toContain('rror');
    expect(again.stdout).toBe('created\t0\nupdated\t0\nunchanged\t3\nmemberships\t1\n');
    const imported = await stack.request('other', 'GET', `/Groups/${groupId}`);
    expect((imported.body as Json).members).toEqual([expect.objectContaining({ value: userId })]);
  });

  it("imports through the same rules as HTTP: the tenant's required attributes, versions and group versions", async () => {
    const file = join(dataDir, 'acme-strict.jsonl');
    expect((await admin('export', '--tenant', 'acme', '--file', file)).code).toBe(0);
    const run = await admin('import', '--tenant', 'strict', '--file', file);
    // Neither user has the title the tenant requires; the group is imported, its member is not a user there.
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('created\t1\nupdated\t0\nunchanged\t0\nmemberships\t0\n');
    expect(run.stderr).toContain('"title" is required for this tenant');
    expect((await stack.request('strict', 'GET', `/Users/${userId}`)).status).toBe(404);

    const before = await stack.request('other', 'GET', `/Groups/${groupId}`);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const user = lines.find((l) => l.kind === 'User' && l.id === userId) as Json;
    const edited = join(dataDir, 'edited.jsonl');
    await writeFile(
      edited,
      [lines[0], { ...user, resource: { ...user.resource, title: 'Imported' } }].map((l) => JSON.stringify(l)).join('\n'),
    );
    expect((await admin('import', '--tenant', 'other', '--file', edited)).stdout).toBe(
      'created\t0\nupdated\t1\nunchanged\t0\nmemberships\t0\n',
    );
    const updated = await stack.request('other', 'GET', `/Users/${userId}`);
    expect((updated.body as Json).title).toBe('Imported');
    expect(updated.headers.get('etag')).not.toBe((await stack.request('acme', 'GET', `/Users/${userId}`)).headers.get('etag'));
    // Re-importing memberships that are already there writes nothing: the group keeps its version.
    expect((await stack.request('other', 'GET', `/Groups/${groupId}`)).headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('tenants create|get|update|list call the tenant service: its validation, its 409, its answers', async () => {
    const created = await admin('tenants', 'create', 'fresh', '--name', 'Fresh Co', '--rate-tier', 'large');
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('Tenant fresh created') });
    expect(JSON.parse((await admin('tenants', 'get', 'fresh', '--json')).stdout)).toMatchObject({
      id: 'fresh',
      displayName: 'Fresh Co',
      status: 'active',
      rateTier: 'large',
    });
    expect(await admin('tenants', 'create', 'fresh')).toMatchObject({ code: 1, stderr: expect.stringContaining('exists') });
    expect((await admin('tenants', 'create', 'Not_An_Id')).code).toBe(2);
    const settings = join(dataDir, 'bad-settings.json');
    await writeFile(settings, JSON.stringify({ requiredAttributes: { User: [42] } }));
    const refused = await admin('tenants', 'update', 'fresh', '--settings-file', settings);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('settings.requiredAttributes.User[0]') });
    const renamed = JSON.parse((await admin('tenants', 'update', 'fresh', '--name', 'Fresh Corp', '--json')).stdout) as Json;
    expect(renamed).toMatchObject({ id: 'fresh', displayName: 'Fresh Corp' });
    expect((await admin('tenants', 'list')).stdout).toMatch(/^fresh\tactive\tFresh Corp\tlarge$/m);
    expect((await admin('tenants', 'get', 'nobody')).code).toBe(3);
  });

  it('tokens issue|list|revoke: at most two, each kept in a private file, revoked by id', async () => {
    const file = join(dataDir, 'fresh-token');
    const first = JSON.parse((await admin('tokens', 'issue', '--tenant', 'fresh', '--json')).stdout) as Json;
    expect(first).toMatchObject({ id: expect.stringMatching(/^tok_[0-9a-f]{12}$/), secretId: file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const firstToken = (await readFile(file, 'utf8')).trim();
    expect(await withToken('fresh', firstToken)).toBe(200);
    expect((await admin('tokens', 'issue', '--tenant', 'fresh')).code).toBe(0);
    const secondToken = (await readFile(file, 'utf8')).trim();
    expect(await withToken('fresh', firstToken)).toBe(200);
    expect(await withToken('fresh', secondToken)).toBe(200);
    expect(await admin('tokens', 'issue', '--tenant', 'fresh')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('delete one first'),
    });
    const listed = JSON.parse((await admin('tokens', 'list', '--tenant', 'fresh', '--json')).stdout) as Json[];
    expect(listed.map((t) => t.id)).toContain(first.id);
    expect(JSON.stringify(listed)).not.toContain(secondToken);
    expect((await admin('tokens', 'revoke', String(first.id), '--tenant', 'fresh')).code).toBe(0);
    expect(await withToken('fresh', firstToken)).toBe(401);
    expect(await withToken('fresh', secondToken)).toBe(200);
    expect((await admin('tokens', 'revoke', String(first.id), '--tenant', 'fresh')).code).toBe(3);
  });

  it('tenants pause|resume|disable|delete change the status as the API does', async () => {
    const token = (await readFile(join(dataDir, 'fresh-token'), 'utf8')).trim();
    expect((await admin('tenants', 'pause', 'fresh')).code).toBe(0);
    const paused = await stack.request('fresh', 'GET', '/Users?count=1', undefined, { authorization: `Bearer ${token}` });
    expect([paused.status, paused.headers.get('retry-after')]).toEqual([503, '60']);
    expect((await admin('tenants', 'resume', 'fresh')).code).toBe(0);
    expect(await withToken('fresh', token)).toBe(200);
    expect(await admin('tenants', 'disable', 'fresh')).toMatchObject({ code: 0, stdout: expect.stringContaining('Tenant fresh disabled') });
    expect(await withToken('fresh', token)).toBe(401);
    expect((await admin('tenants', 'resume', 'fresh')).code).toBe(0);
    expect(await withToken('fresh', token)).toBe(200);
    expect((await admin('tenants', 'delete', 'fresh')).code).toBe(0);
    expect(await withToken('fresh', token)).toBe(401);
    expect(JSON.parse((await admin('tenants', 'get', 'fresh', '--json')).stdout)).toMatchObject({ status: 'deleting' });
    expect((await admin('tenants', 'resume', 'fresh')).code).toBe(1);
  });

  it('connection prints exactly what the admin API answers', async () => {
    const run = await admin('connection', 'acme', '--api-url', stack.stack.url);
    expect(run.code).toBe(0);
    const api = await fetch(`${stack.stack.adminUrl}/tenants/acme/connection`, {
      headers: { authorization: `Bearer ${stack.stack.adminKey}` },
    });
    expect(JSON.parse(run.stdout)).toEqual(await api.json());
    expect((await admin('connection', 'nobody')).code).toBe(3);
  });

  it('fails with exit codes scripts can rely on', async () => {
    expect((await admin('users', 'find', 'nobody', '--tenant', 'acme')).code).toBe(3);
    expect((await admin('stats', '--tenant', 'nope')).code).toBe(3);
    expect((await admin('stats', '--bogus-flag')).code).toBe(2);
    expect((await admin('frobnicate')).code).toBe(2);
    const unreachable = await new Promise<Run>((resolve) => {
      execFile(process.execPath, [CLI, 'tenants', 'list', '--endpoint', 'http://127.0.0.1:9', '--table', 'x'], (error, stdout, stderr) =>
        resolve({ code: Number((error as { code?: number } | null)?.code ?? 0), stdout, stderr }),
      );
    });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('cannot reach DynamoDB');
  });
});
