/**
 * The tenant purge is resumable and never touches what is not its own (issue #22): driven by hand
 * here (the stack's own loop is off), it is stopped after one page, shows its progress on GET,
 * refuses to run beside a live lease holder, takes over a crashed holder's expired lease, finishes
 * from where it was, and a message arriving after the id was created again does nothing. A token
 * without a listing (written before token ids) is left behind, and refused by the new tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateToken, hashToken } from '../../functions/credentials/secret-token';
import { keys } from '../../functions/store/keys';
import { putToken } from '../../functions/store/tenants';
import { purgeTenant, type PurgeOptions } from '../../functions/tenants/tenant-purge';
import { adminCaller } from '../support/admin-api';
import { startTestStack, type TestStack } from '../support/local-stack';
import { itemsOf, keyOf, populateTenant, scanTable } from '../support/tenant-population';

let stack: TestStack;
const admin = adminCaller(() => stack);
const legacyToken = generateToken();

beforeAll(async () => {
  stack = await startTestStack({ tenants: [], tenantPurge: false });
  await populateTenant(stack, 'beta', 12);
  await populateTenant(stack, 'beta-2', 2);
  // A token from before ids: no listing item, written an hour ago for a tenant of two hours.
  await putToken(stack.stack.db, { tenantId: 'beta', tokenHash: hashToken(legacyToken) });
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
  for (const [key, hours] of [
    [keys.token(hashToken(legacyToken)), 1],
    [keys.tenant('beta'), 2],
  ] as const) {
    await stack.stack.db.client.send(
      new UpdateCommand({
        TableName: stack.stack.db.table,
        Key: key,
        UpdateExpression: 'SET created = :at',
        ExpressionAttributeValues: { ':at': hoursAgo(hours) },
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  await stack.stop();
});

const run = (owner: string, extra: Partial<PurgeOptions> = {}) =>
  purgeTenant(stack.stack.db, 'beta', {
    owner,
    deadline: Date.now() + 30_000,
    leaseUntil: Date.now() + 60_000,
    quarantineMs: 0,
    pageSize: 10,
    ...extra,
  });

describe('a purge stopped and resumed', () => {
  it('stops after one page, shows where it is, and carries on from there to the end', async () => {
    const before = await scanTable(stack.stack.db);
    const beta2 = itemsOf(before, 'beta-2').map(keyOf).sort();
    expect((await stack.request('beta', 'GET', '/Users', undefined, { authorization: `Bearer ${legacyToken}` })).status).toBe(200);
    expect((await admin('DELETE', '/tenants/beta')).status).toBe(202);
    expect((await stack.request('beta', 'GET', '/Users', undefined, { authorization: `Bearer ${legacyToken}` })).status).toBe(401);
    // The refusal just recorded is the tenant's too: counted once the recorder has written it.
    await stack.stack.drainStreams();
    const total = itemsOf(await scanTable(stack.stack.db), 'beta').length;
    expect(total).toBeGreaterThan(60);

    const first = await run('first', { maxPages: 1 });
    expect(first).toMatchObject({ state: 'more', retryAfterMs: 0 });
    const shown = (await admin('GET', '/tenants/beta')).json;
    expect(shown).toMatchObject({ status: 'deleting', deletion: { phase: expect.any(String), itemsDeleted: expect.any(Number) } });
    expect(shown.deletion.itemsDeleted).toBeGreaterThan(0);
    const left = itemsOf(await scanTable(stack.stack.db), 'beta').length;
    expect(left).toBeLessThan(total);
    expect(left).toBeGreaterThan(1);

    // A holder that crashed mid-purge keeps its lease until it expires: nobody else runs meanwhile.
    const crashed = await run('crashed', { maxPages: 1, leaseUntil: Date.now() + 60_000 });
    expect(crashed.state).toBe('more');
    await stack.stack.db.client.send(
      new UpdateCommand({
        TableName: stack.stack.db.table,
        Key: keys.tenant('beta'),
        UpdateExpression: 'SET purgeLease = :owner, purgeLeaseUntil = :until',
        ExpressionAttributeValues: { ':owner': 'crashed', ':until': Date.now() + 1_000 },
      }),
    );
    expect(await run('second')).toEqual({ state: 'skipped' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    let outcome = await run('second', { maxPages: 3 });
    for (let i = 0; outcome.state === 'more' && i < 100; i += 1) outcome = await run('second', { maxPages: 3 });
    expect(outcome.state).toBe('done');
    expect((await admin('GET', '/tenants/beta')).status).toBe(404);

    await stack.stack.drainStreams();
    const after = await scanTable(stack.stack.db);
    // Only the token without a listing is left (no tenant data in it).
    expect(itemsOf(after, 'beta').map((item) => item.entity)).toEqual(['Token']);
    expect(itemsOf(after, 'beta-2').map(keyOf).sort()).toEqual(beta2);
  }, 90_000);

  it('a late message after the id was created again does nothing; the old token opens nothing', async () => {
    expect((await admin('POST', '/tenants', { id: 'beta', displayName: 'Beta again' })).status).toBe(201);
    const fresh = await admin('POST', '/tenants/beta/tokens');
    const created = await stack.request(
      'beta',
      'POST',
      '/Users',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'new@example.com' },
      {
        authorization: `Bearer ${String(fresh.json.token)}`,
      },
    );
    expect(created.status).toBe(201);
    expect(await run('late')).toEqual({ state: 'skipped' });
    const users = await stack.request('beta', 'GET', '/Users', undefined, { authorization: `Bearer ${String(fresh.json.token)}` });
    expect(users.body).toMatchObject({ totalResults: 1 });
    expect((await stack.request('beta', 'GET', '/Users', undefined, { authorization: `Bearer ${legacyToken}` })).status).toBe(401);
  });
});
