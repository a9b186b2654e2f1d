/**
 * The README's five-minute tour, run as written: the `sh` block under "A five-minute tour" is taken
 * from README.md and run by bash against `npm start` (fresh data, its own port), so the front door
 * cannot promise a request the server no longer answers that way.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../local/free-port';

const run = promisify(execFile);
let home: string;
let port: number;
let npm: ChildProcess | undefined;

async function tourScript(): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## A five-minute tour'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no sh block under "A five-minute tour"');
  return block.replaceAll('localhost:8080', `localhost:${port}`);
}

function npmStart(dataDir: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SCIM_DATA_DIR: dataDir };
  for (const name of ['NODE_OPTIONS', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'SCIM_LISTEN_HOST', 'SCIM_EVENTS', 'SCIM_LOCAL_TENANTS'])
    delete env[name];
  const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${output}`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C to stop')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'scim-readme-tour-'));
  await mkdir(join(home, '.data'));
  port = await freePort();
  npm = await npmStart(join(home, '.data'));
}, 150_000);

afterAll(async () => {
  if (npm && npm.exitCode === null) {
    const exited = new Promise((resolve) => npm?.once('exit', resolve));
    npm.kill('SIGTERM');
    await exited;
  }
  await rm(home, { recursive: true, force: true });
});

describe('README five-minute tour', () => {
  it('runs as written and every step answers what the README says', async () => {
    // cwd = a directory whose .data is the server's data dir, as on a fresh checkout.
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await tourScript()], { cwd: home, timeout: 60_000 });
    const json = stdout.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return []; // the /Schemas line is cut short on purpose
      }
    });
    const step = (index: number): Record<string, unknown> => json[index] ?? {};
    const [serviceProviderConfig, testConnection, user, duplicate, patched] = [step(0), step(1), step(2), step(3), step(4)];
    const [userWithGroups, groupRead, inactive, viaOAuth, events] = [step(5), step(6), step(7), step(8), json.slice(9)];
    expect(serviceProviderConfig.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(testConnection.totalResults).toBe(0);
    expect(user.userName).toBe('ada@example.com');
    expect(duplicate).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(patched).toMatchObject({ id: user.id, active: false });
    expect(userWithGroups).toMatchObject({
      userName: 'ada@example.com',
      active: false,
      groups: [expect.objectContaining({ value: groupRead.id, type: 'direct' })],
    });
    expect(groupRead).toMatchObject({ displayName: 'Engineers', members: [expect.objectContaining({ value: user.id })] });
    expect(inactive).toMatchObject({ totalResults: 1 });
    expect(viaOAuth).toMatchObject({ totalResults: 1 });
    expect(events).toHaveLength(3);
    for (const event of events) expect(event).toMatchObject({ iss: 'scim-serverless', aud: ['/tenants/dev/scim/v2'] });
  }, 90_000);
});
