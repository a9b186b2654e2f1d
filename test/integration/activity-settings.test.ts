/**
 * A tenant's activity settings over HTTP (docs/activity.md): `readSampleRate` records successful
 * reads (1: every one, as `read` with the route and the credential; 0, the default: none), and
 * `enabled: false` records nothing at all — no write, no refused request, no refusal of its own
 * credential — while a tenant beside it records as usual.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { ActivityRecord } from '../../functions/activity/activity-record';
import { tenantActivity, tenantHealth } from '../../functions/activity/activity-service';
import { hashToken } from '../../functions/credentials/secret-token';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { USER } from '../support/urns';

const SAMPLED = 'sampled';
const PLAIN = 'plain';
const SILENT = 'silent';

let stack: TestStack;

async function activity(tenantId: string): Promise<ActivityRecord[]> {
  await stack.stack.drainStreams();
  return (await tenantActivity(stack.stack.db, tenantId, { limit: 500 })).records;
}

/** A create, two reads of it, a refused duplicate: what each tenant below is sent. */
async function traffic(tenantId: string): Promise<string> {
  const created = (await stack.request(tenantId, 'POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).body as Json;
  const id = String(created.id);
  expect((await stack.request(tenantId, 'GET', `/Users/${id}`)).status).toBe(200);
  expect((await stack.request(tenantId, 'GET', '/Users?filter=userName%20eq%20%22ada%40example.com%22')).status).toBe(200);
  expect((await stack.request(tenantId, 'POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).status).toBe(409);
  return id;
}

beforeAll(async () => {
  stack = await startTestStack({
    tenants: [
      { tenantId: SAMPLED, settings: { activity: { readSampleRate: 1 } } },
      PLAIN,
      { tenantId: SILENT, settings: { activity: { enabled: false } } },
    ],
  });
});
afterAll(async () => stack.stop());

it('records every successful read with readSampleRate 1, with the route and the credential', async () => {
  const id = await traffic(SAMPLED);
  const reads = (await activity(SAMPLED)).filter((record) => record.operation === 'read');
  expect(reads.map((record) => record.route).sort()).toEqual(['GET /Users', 'GET /Users/{id}']);
  const byId = reads.find((record) => record.route === 'GET /Users/{id}');
  expect(byId).toMatchObject({ resourceType: 'User', resourceId: id, status: 200, outcome: 'success' });
  expect(byId?.credentialId).toBe(`tok_${hashToken(stack.token(SAMPLED)).slice(0, 12)}`);
});

it('records no read by default, but the writes and the refused request', async () => {
  const id = await traffic(PLAIN);
  const records = await activity(PLAIN);
  expect(records.filter((record) => record.operation === 'read')).toEqual([]);
  expect(records.map((record) => `${record.operation} ${record.status}`).sort()).toEqual(['create 201', 'create 409']);
  expect(records.find((record) => record.status === 201)?.resourceId).toBe(id);
});

it('records nothing for a tenant with activity.enabled false: writes, failures, reads, refusals', async () => {
  await traffic(SILENT);
  const refused = await stack.request(SILENT, 'GET', '/Users', undefined, { authorization: `Bearer ${stack.token(PLAIN)}` });
  expect(refused.status).toBe(403);
  expect(await activity(SILENT)).toEqual([]);
  expect((await tenantHealth(stack.stack.db, SILENT)).verdict).toBe('never_called');
  // The other tenants' records are unaffected by it.
  expect((await activity(PLAIN)).length).toBeGreaterThan(0);
});
