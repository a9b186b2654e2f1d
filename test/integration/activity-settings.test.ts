/**
 * A tenant's activity settings over HTTP (docs/activity.md): `readSampleRate` records successful
 * reads (1: every one, as `read` with the route and the credential; 0, the default: none),
 * `enabled: false` records nothing at all — no write, no refused request, no refusal of its own
 * credential — while a tenant beside it records as usual; `hashUserName: true` stores no userName in
 * the tenant's activity partitions, only `sha256:…`, and a user's history by userName still holds
 * all its records, also after the user is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ActivityRecord } from '../../functions/activity/activity-record';
import { tenantActivity, tenantHealth } from '../../functions/activity/activity-service';
import { hashToken } from '../../functions/credentials/secret-token';
import { hashedName } from '../../functions/commons/user-name-hash';
import { activityPartitions } from '../../functions/store/keys';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { adminCaller } from '../support/admin-api';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { BULK, USER } from '../support/urns';

const SAMPLED = 'sampled';
const PLAIN = 'plain';
const SILENT = 'silent';
const HASHED = 'hashed';
const CLEAR = 'clear';

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
      { tenantId: HASHED, settings: { activity: { hashUserName: true } } },
      CLEAR,
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

describe('hashUserName', () => {
  const admin = adminCaller(() => stack);
  const NAME = 'Ada.Hash@Example.com';

  /** Every item of the tenant's activity and health partitions, as stored. */
  async function storedText(tenantId: string): Promise<string> {
    await stack.stack.drainStreams();
    const items = [];
    for (const partition of activityPartitions(tenantId)) {
      const page = await stack.stack.db.client.send(
        new QueryCommand({
          TableName: stack.stack.db.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
        }),
      );
      items.push(...(page.Items ?? []));
    }
    return JSON.stringify(items);
  }

  /** Create, rename the display name, a refused duplicate, delete: returns the user's id. */
  async function lifecycle(tenantId: string): Promise<string> {
    const created = await stack.request(tenantId, 'POST', '/Users', { schemas: [USER], userName: NAME });
    expect(created.status).toBe(201);
    const id = String((created.body as Json).id);
    const patched = await stack.request(tenantId, 'PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Ada' }],
    });
    expect(patched.status).toBe(200);
    expect((await stack.request(tenantId, 'POST', '/Users', { schemas: [USER], userName: NAME })).status).toBe(409);
    expect((await stack.request(tenantId, 'DELETE', `/Users/${id}`)).status).toBe(204);
    return id;
  }

  /** The user's history over the admin API, oldest first, asked by the userName in another case. */
  async function history(tenantId: string): Promise<ActivityRecord[]> {
    await stack.stack.drainStreams();
    const response = await admin('GET', `/tenants/${tenantId}/activity?userName=${encodeURIComponent(NAME.toLowerCase())}`);
    expect(response.status).toBe(200);
    return [...((response.json as Json).records as ActivityRecord[])].reverse();
  }

  it('on: no userName in any stored record, only its sha256 form; the history by userName still groups the user', async () => {
    const id = await lifecycle(HASHED);
    const stored = await storedText(HASHED);
    expect(stored.toLowerCase()).not.toContain('ada.hash');
    const hash = hashedName(HASHED, NAME);
    expect(hash).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(stored).toContain(hash);
    const records = await activity(HASHED);
    const named = records.filter((record) => record.identifier !== undefined);
    expect(named.length).toBeGreaterThanOrEqual(2); // the create and the refused duplicate
    expect(named.every((record) => record.identifier === hash)).toBe(true);
    const user = await history(HASHED);
    expect(user.map((record) => record.operation)).toEqual(['create', 'patch', 'delete']);
    expect(user.every((record) => record.resourceId === id)).toBe(true);
  });

  it('on: a user created and deleted through POST /Bulk leaves no userName either', async () => {
    const created = await stack.request(HASHED, 'POST', '/Bulk', {
      schemas: [BULK],
      Operations: [{ method: 'POST', bulkId: 'b', path: '/Users', data: { schemas: [USER], userName: 'Bulk.Hash@Example.com' } }],
    });
    expect(created.status).toBe(200);
    const location = String((((created.body as Json).Operations as Json[])[0] as Json).location);
    const id = location.slice(location.lastIndexOf('/') + 1);
    const deleted = await stack.request(HASHED, 'POST', '/Bulk', {
      schemas: [BULK],
      Operations: [{ method: 'DELETE', path: `/Users/${id}` }],
    });
    expect(deleted.status).toBe(200);
    expect((await storedText(HASHED)).toLowerCase()).not.toContain('bulk.hash');
    const byName = await admin('GET', `/tenants/${HASHED}/activity?userName=bulk.hash%40example.com`);
    expect(((byName.json as Json).records as ActivityRecord[]).map((record) => record.operation).reverse()).toEqual(['create', 'delete']);
  });

  it('off: records carry the userName as sent, and the same history', async () => {
    const id = await lifecycle(CLEAR);
    expect(await storedText(CLEAR)).toContain(NAME);
    const records = await activity(CLEAR);
    expect(records.filter((record) => record.identifier !== undefined).every((record) => record.identifier === NAME)).toBe(true);
    const user = await history(CLEAR);
    expect(user.map((record) => record.operation)).toEqual(['create', 'patch', 'delete']);
    expect(user.every((record) => record.resourceId === id)).toBe(true);
  });
});
