/**
 * `npm start` exactly as a developer runs it (npm → sh → scripts/node22.mjs → the server on Node 22
 * → java): SIGTERM or SIGINT to the npm process stops the server and DynamoDB Local, and the next
 * `npm start` on the same data starts. Both listen on 127.0.0.1 only. The admin key it prints opens
 * `/admin/v1` (another key gets a 401 problem), lives owner-only in `<dataDir>/admin-key`, and the
 * restart prints and accepts the same key.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceFile, isAlive, type RunningInstance } from '../../local/dynamodb-local';
import { freePort } from '../../local/free-port';
import { generateToken } from '../../functions/credentials/secret-token';
import { ADMIN_KEY_FILE, ADMIN_KEY_PATTERN, generateAdminKey } from '../../local/admin-key';
import { accepts, otherAddress } from '../support/connect';

const token = generateToken();
let dataDir: string;
let port: number;
const started: ChildProcess[] = [];
/** The admin key each start printed, in order. */
const printedKeys: string[] = [];

function npmStart(): Promise<{ npm: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SCIM_DATA_DIR: dataDir,
    SCIM_LOCAL_TENANTS: `acme=${token}`,
    SCIM_TENANTS_FILE: join(dataDir, 'no-tenants.json'),
    SCIM_EVENTS: 'off',
  };
  // As typed in a shell: no test runner options, no table or endpoint of this test run.
  for (const name of ['NODE_OPTIONS', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'SCIM_LISTEN_HOST', 'SCIM_LOCAL_ADMIN_KEY']) delete env[name];
  const npm = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(npm);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${output}`)), 120_000);
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C to stop')) {
        clearTimeout(timer);
        resolve({ npm, output: () => output });
      }
    });
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return !isAlive(pid);
}

const usersStatus = async () =>
  (await fetch(`http://127.0.0.1:${port}/tenants/acme/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } })).status;

/** The key on the `Admin key:` line bin/local-server.ts prints. */
function printedAdminKey(output: string): string {
  const key = /^\s*Admin key:\s+(\S+)/m.exec(output)?.[1];
  if (key === undefined) throw new Error(`no "Admin key:" line in:\n${output}`);
  return key;
}

const listTenants = (key: string) => fetch(`http://127.0.0.1:${port}/admin/v1/tenants`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-npm-start-'));
  port = await freePort();
});
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  // SIGTERM first; the second start (same data) is the restart that once failed, then SIGINT.
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the server and DynamoDB Local on %s to npm (after starting on the same data)',
    async (signal) => {
      const { npm, output } = await npmStart();
      expect(await usersStatus()).toBe(200);

      // The printed admin key opens /admin/v1; it is the one in <dataDir>/admin-key, owner-only.
      const adminKey = printedAdminKey(output());
      printedKeys.push(adminKey);
      expect(adminKey).toMatch(ADMIN_KEY_PATTERN);
      const listed = await listTenants(adminKey);
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { items: { id: string }[] }).items.map((tenant) => tenant.id)).toContain('acme');
      const keyFile = join(dataDir, ADMIN_KEY_FILE);
      expect((await readFile(keyFile, 'utf8')).trim()).toBe(adminKey);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      // Another key of the same shape, the SCIM token, or none: a 401 problem.
      for (const wrong of [generateAdminKey(), token, '']) {
        const refused = await listTenants(wrong);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('content-type')).toBe('application/problem+json');
        expect(await refused.json()).toMatchObject({ status: 401 });
      }
      // The restart (second start, same data) prints, and is opened by, the key the first start generated.
      if (signal === 'SIGINT') expect(printedKeys).toEqual([printedKeys[0], printedKeys[0]]);
      const instance = JSON.parse(await readFile(instanceFile(dataDir), 'utf8')) as Required<RunningInstance>;
      const other = otherAddress();
      expect(other).toBeDefined();
      // Nothing listens beyond this machine.
      expect(await accepts(other ?? '', port)).toBe(false);
      expect(await accepts(other ?? '', instance.port)).toBe(false);

      npm.kill(signal);
      await exited(npm);
      expect(await gone(instance.ownerPid)).toBe(true);
      expect(await gone(instance.pid)).toBe(true);
      expect(await accepts('127.0.0.1', port)).toBe(false);
      expect(existsSync(instanceFile(dataDir))).toBe(false);
    },
    240_000,
  );
});
