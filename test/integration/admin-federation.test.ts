/**
 * `scim-admin federation add|list|remove` as operators run them (a child process), checked over
 * HTTP with a local Entra-shaped issuer: the credential it adds gets a token, a JWKS host outside the
 * allow-list is refused with exit code 2, removing it stops its tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWT_BEARER_ASSERTION_TYPE } from '../../functions/oauth/token-request';
import { startLocalIssuer, type LocalIssuer } from '../support/local-issuer';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { runScimAdmin, type CliRun } from '../support/scim-admin-cli';

let stack: TestStack;
let issuer: LocalIssuer;
let dataDir: string;

function admin(...args: string[]): Promise<CliRun> {
  const connection = ['--endpoint', stack.stack.dynamoEndpoint, '--table', stack.stack.db.table, '--data-dir', dataDir];
  return runScimAdmin([...args, ...connection], { ...process.env, NODE_OPTIONS: '', SCIM_FEDERATION_JWKS_HOSTS: issuer.host });
}

async function tokenFor(clientId: string): Promise<{ status: number; json: Json }> {
  const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/acme/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion: await issuer.mint(),
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    }).toString(),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const addArgs = (jwksUri: string) => [
  'federation',
  'add',
  '--tenant',
  'acme',
  '--issuer',
  issuer.issuer,
  '--jwks-uri',
  jwksUri,
  '--subject',
  issuer.objectId,
  '--audience',
  issuer.appId,
  '--audience',
  `api://${issuer.appId}`,
  '--entra-tenant',
  issuer.entraTenantId,
];

beforeAll(async () => {
  issuer = await startLocalIssuer();
  process.env.SCIM_FEDERATION_JWKS_HOSTS = issuer.host;
  dataDir = await mkdtemp(join(tmpdir(), 'scim-admin-federation-'));
  stack = await startTestStack({ tenants: ['acme'] });
});
afterAll(async () => {
  await stack.stop();
  await issuer.stop();
  delete process.env.SCIM_FEDERATION_JWKS_HOSTS;
  await rm(dataDir, { recursive: true, force: true });
});

describe('scim-admin federation', () => {
  // Each CLI run is a child process that compiles the CLI (several seconds on a busy machine).
  it('add prints the client identifier (no secret); the credential gets a token; list shows it; remove stops it', async () => {
    const run = await admin(...addArgs(issuer.jwksUri()), '--id', 'entra');
    expect(run.code).toBe(0);
    const clientId = /^Client Identifier:\t(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    const issued = await tokenFor(clientId);
    expect(issued.status).toBe(200);
    expect(
      (await stack.request('acme', 'GET', '/Users', undefined, { authorization: `Bearer ${String(issued.json.access_token)}` })).status,
    ).toBe(200);

    const list = await admin('federation', 'list', '--tenant', 'acme', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        id: 'entra',
        clientId,
        source: 'admin',
        audiences: [issuer.appId, `api://${issuer.appId}`],
        tenantId: issuer.entraTenantId,
      }),
    ]);

    expect((await admin('federation', 'remove', 'entra', '--tenant', 'acme')).code).toBe(0);
    expect((await tokenFor(clientId)).status).toBe(401);
    expect((await admin('federation', 'remove', 'entra', '--tenant', 'acme')).code).toBe(3);
  }, 180_000);

  it('refuses a JWKS host outside the allow-list (exit 2), a taken id (exit 1), an unknown tenant (exit 3)', async () => {
    const refused = await admin(...addArgs('https://169.254.169.254/latest/keys'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/jwksUri: jwksUri host "169\.254\.169\.254" is not allowed/);
    expect((await admin(...addArgs(issuer.jwksUri()), '--id', 'twice')).code).toBe(0);
    expect((await admin(...addArgs(issuer.jwksUri()), '--id', 'twice')).code).toBe(1);
    const unknown = await admin(...addArgs(issuer.jwksUri()).map((arg) => (arg === 'acme' ? 'nobody' : arg)));
    expect(unknown.code).toBe(3);
  }, 180_000);
});
