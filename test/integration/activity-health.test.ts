/**
 * Connection health over HTTP on the local stack, telling apart the four situations a support desk
 * meets: Entra never called, Entra calls with a revoked secret, throttled, working. Plus the
 * refusal-storm event, and `scim-admin activity` / `scim-admin health` as operators run them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tenantHealth } from '../../functions/activity/activity-service';
import type { RefusalStorm } from '../../functions/activity/recorder';
import type { ClientCredentials } from '../../functions/credentials/client-credentials';
import { addClient, revokeTenantClient } from '../../functions/credentials/client-service';
import { startLocalStack, type LocalStack } from '../../local/server';
import { generateToken } from '../../functions/credentials/secret-token';
import { runDynamoEndpoint, uniqueTableName, deleteTable } from '../support/dynamodb';
import { PATCH_OP, USER } from '../support/urns';
import { runScimAdmin, type CliRun } from '../support/scim-admin-cli';

const NEVER = 'quiet';
const REVOKED = 'revoked';
const THROTTLED = 'busy';
const WORKING = 'working';
const STORMY = 'stormy';
const ENTRA = 'Microsoft Azure AD SCIM Client';

const tokens = new Map([NEVER, REVOKED, THROTTLED, WORKING, STORMY].map((t) => [t, generateToken()]));
const storms: RefusalStorm[] = [];
const table = uniqueTableName('health');
let stack: LocalStack;
let revokedClient: ClientCredentials;

const scim = (tenant: string, method: string, path: string, body?: unknown, token = tokens.get(tenant) ?? '') =>
  fetch(`${stack.tenantUrl(tenant)}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'User-Agent': ENTRA, ...(body ? { 'Content-Type': 'application/scim+json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const tokenRequest = (tenant: string, client: ClientCredentials) =>
  fetch(stack.tokenUrl(tenant), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': ENTRA },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }).toString(),
  });
const health = async (tenant: string) => {
  await stack.drainStreams();
  return tenantHealth(stack.db, tenant);
};

function cli(...args: string[]): Promise<CliRun> {
  return runScimAdmin([...args, '--endpoint', stack.dynamoEndpoint, '--table', table, '--data-dir', '/tmp']);
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Three token requests a minute per tenant: the fourth is throttled (429).
  process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = '3';
  stack = await startLocalStack({
    port: 0,
    tableName: table,
    dynamoEndpoint: runDynamoEndpoint(),
    log: () => undefined,
    tenants: [...tokens].map(([tenantId, token]) => ({
      tenantId,
      token,
      ...(tenantId === STORMY ? { settings: { activity: { refusalStormThreshold: 3 } } } : {}),
    })),
    stormSink: async (storm) => {
      storms.push(storm);
    },
  });
  revokedClient = await addClient(stack.db, REVOKED);
});
afterAll(async () => {
  delete process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE;
  await stack.stop();
  await deleteTable(table);
});

describe('connection health tells the four situations apart', () => {
  it('never called: nothing recorded', async () => {
    const h = await health(NEVER);
    expect(h).toMatchObject({ verdict: 'never_called', credentials: [], lastDay: { requests: 0 } });
    expect(h.lastWriteAt).toBeUndefined();
  });

  it('calls with a revoked secret: refused, naming the client and the reason', async () => {
    await revokeTenantClient(stack.db, REVOKED, revokedClient.clientId);
    for (let i = 0; i < 2; i += 1) expect((await tokenRequest(REVOKED, revokedClient)).status).toBe(401);
    const h = await health(REVOKED);
    expect(h.verdict).toBe('refused');
    expect(h.credentials).toEqual([
      expect.objectContaining({ credentialId: revokedClient.clientId, lastRefusalReason: 'client_revoked', lastRefusalStatus: 401 }),
    ]);
    expect(h.credentials[0]?.lastSuccessAt).toBeUndefined();
    expect(h.lastHour).toMatchObject({ requests: 2, '4xx': 2, '2xx': 0 });
  });

  it('throttled: the last 429 and its reason', async () => {
    const client = await addClient(stack.db, THROTTLED);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await tokenRequest(THROTTLED, client)).status);
    expect(statuses).toContain(429);
    const h = await health(THROTTLED);
    expect(h.verdict).toBe('throttled');
    expect(h.last429At).toEqual(expect.any(String));
    expect(h.lastHour['429']).toBe(statuses.filter((s) => s === 429).length);
    expect(h.credentials[0]).toMatchObject({ credentialId: client.clientId, lastRefusalReason: 'rate_limited', lastRefusalStatus: 429 });
  });

  it('working: a recent success per credential and the last write', async () => {
    const created = await scim(WORKING, 'POST', '/Users', { schemas: [USER], userName: 'ada@example.com' });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: string }).id);
    const patched = await scim(WORKING, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Ada' }],
    });
    expect(patched.status).toBe(200);
    const h = await health(WORKING);
    expect(h.verdict).toBe('working');
    expect(h.lastWriteAt).toEqual(expect.any(String));
    expect(h.credentials).toEqual([expect.objectContaining({ lastSuccessOperation: 'patch', lastSuccessAt: expect.any(String) })]);
    expect(h.lastHour).toMatchObject({ requests: 2, '2xx': 2 });
  });
});

describe('refusal storm', () => {
  it('publishes one event when one credential is refused more than the threshold in 5 minutes', async () => {
    const junk = generateToken();
    for (let i = 0; i < 5; i += 1) expect((await scim(STORMY, 'GET', '/Users', undefined, junk)).status).toBe(401);
    await stack.drainStreams();
    expect(storms).toEqual([expect.objectContaining({ tenantId: STORMY, credentialId: 'unknown', threshold: 3, reason: 'token_unknown' })]);
    expect(storms[0]?.refusals).toBeGreaterThan(3);
    expect(JSON.stringify(storms)).not.toContain(junk);
  });

  it('publishes nothing for a tenant without the setting', () => {
    expect(storms.filter((s) => s.tenantId !== STORMY)).toEqual([]);
  });
});

describe('scim-admin', () => {
  it('prints a user history oldest first, with changed attribute names and the credential', async () => {
    const run = await cli('activity', '--tenant', WORKING, '--user', 'ada@example.com');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\tcreate\tsuccess 201\t\tUser ada@example\.com \(.+\)\tchanged: .*userName.*\tby tok_[0-9a-f]{12}\tentra/);
    expect(lines[1]).toMatch(/\tpatch\tsuccess 200\t.*\tchanged: displayName\tby tok_/);
  });

  it('prints failures only with --failures, and health with its verdict', async () => {
    const failures = await cli('activity', '--tenant', REVOKED, '--failures', '--since', '1h');
    expect(failures.stdout.trim().split('\n')).toHaveLength(2);
    expect(failures.stdout).toContain('client_revoked');
    const h = await cli('health', '--tenant', REVOKED);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain(`tenant ${REVOKED}: refused`);
    expect(h.stdout).toContain(`credential ${revokedClient.clientId}: last success never; last refusal`);
  });

  it('exits 3 for an unknown tenant and 2 for a bad --since', async () => {
    expect((await cli('health', '--tenant', 'nosuch')).code).toBe(3);
    expect((await cli('activity', '--tenant', WORKING, '--since', 'yesterday-ish')).code).toBe(2);
  });
});
