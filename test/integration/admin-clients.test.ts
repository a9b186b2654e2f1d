/** `scim-admin clients add|list|rotate|revoke` as operators run them (a child process), checked over HTTP. */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { tokenRequest } from '../support/token-request';
import { runScimAdmin, type CliRun } from '../support/scim-admin-cli';

// Each CLI run is a child process (the bundled CLI, test/support/scim-admin-cli.ts): room for a dozen runs per test on a busy machine.
jest.setTimeout(120_000);

let stack: TestStack;
let dataDir: string;

function admin(...args: string[]): Promise<CliRun> {
  return runScimAdmin([...args, '--endpoint', stack.stack.dynamoEndpoint, '--table', stack.stack.db.table, '--data-dir', dataDir]);
}

async function tokenStatus(tenantId: string, clientId: string, clientSecret: string): Promise<{ status: number; token?: string }> {
  const { status, json } = await tokenRequest(stack, tenantId, clientId, clientSecret);
  return { status, ...(typeof json.access_token === 'string' ? { token: json.access_token } : {}) };
}

const credentialsOf = (stdout: string) => ({
  clientId: /^Client ID:\s+(\S+)$/m.exec(stdout)?.[1] ?? '',
  clientSecret: /^Client Secret:\s+(\S+)/m.exec(stdout)?.[1] ?? '',
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-admin-clients-'));
  stack = await startTestStack({ tenants: ['acme'] });
});
afterAll(async () => {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('scim-admin clients', () => {
  it('add shows the credentials once; they get a token that works on the SCIM API', async () => {
    const run = await admin('clients', 'add', '--tenant', 'acme');
    expect(run.code).toBe(0);
    const { clientId, clientSecret } = credentialsOf(run.stdout);
    expect(clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { status, token } = await tokenStatus('acme', clientId, clientSecret);
    expect(status).toBe(200);
    expect((await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);

    const list = await admin('clients', 'list', '--tenant', 'acme');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${clientId}\tactive\tcreated `, 'm'));
    expect(list.stdout).not.toContain(clientSecret);
  });

  it('rotate adds a second secret (a third is refused), revoke-secret stops the old one; revoke stops the client and its tokens', async () => {
    const added = JSON.parse((await admin('clients', 'add', '--tenant', 'acme', '--json')).stdout) as {
      clientId: string;
      clientSecret: string;
      secretId: string;
    };
    const { token } = await tokenStatus('acme', added.clientId, added.clientSecret);
    const rotated = await admin('clients', 'rotate', added.clientId, '--tenant', 'acme');
    expect(rotated.code).toBe(0);
    const fresh = credentialsOf(rotated.stdout);
    expect(fresh.clientId).toBe(added.clientId);
    expect((await tokenStatus('acme', added.clientId, added.clientSecret)).status).toBe(200);
    expect((await tokenStatus('acme', added.clientId, fresh.clientSecret)).status).toBe(200);
    const third = await admin('clients', 'rotate', added.clientId, '--tenant', 'acme');
    expect([third.code, third.stderr]).toEqual([1, expect.stringContaining('revoke one first')]);
    const listed = JSON.parse((await admin('clients', 'get', added.clientId, '--tenant', 'acme', '--json')).stdout) as Json;
    expect((listed.secrets as Json[]).map((s) => s.id)).toContain(added.secretId);
    expect(JSON.stringify(listed)).not.toContain(fresh.clientSecret);

    expect((await admin('clients', 'revoke-secret', added.clientId, added.secretId, '--tenant', 'acme')).code).toBe(0);
    expect((await tokenStatus('acme', added.clientId, added.clientSecret)).status).toBe(401);
    expect((await tokenStatus('acme', added.clientId, fresh.clientSecret)).status).toBe(200);
    expect((await admin('clients', 'revoke-secret', added.clientId, added.secretId, '--tenant', 'acme')).code).toBe(3);

    const revoked = await admin('clients', 'revoke', added.clientId, '--tenant', 'acme');
    expect(revoked.code).toBe(0);
    expect((await tokenStatus('acme', added.clientId, fresh.clientSecret)).status).toBe(401);
    expect((await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await admin('clients', 'list', '--tenant', 'acme')).stdout).toMatch(new RegExp(`^${added.clientId}\trevoked\t`, 'm'));
  });

  it('names what is missing, with exit code 3 (not found) or 2 (usage)', async () => {
    expect((await admin('clients', 'add', '--tenant', 'nosuch')).code).toBe(3);
    expect((await admin('clients', 'rotate', 'nosuchclient', '--tenant', 'acme')).code).toBe(3);
    expect((await admin('clients', 'revoke', 'nosuchclient', '--tenant', 'acme')).code).toBe(3);
    expect((await admin('clients', 'rotate', '--tenant', 'acme')).code).toBe(2);
    expect((await admin('clients', 'revoke-secret', 'nosuchclient', '--tenant', 'acme')).code).toBe(2);
    expect((await admin('clients', 'get', 'nosuchclient', '--tenant', 'acme')).code).toBe(3);
  });
});
