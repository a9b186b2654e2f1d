/**
 * A tenant's cap on concurrent Bulk requests (issue #28, store/bulk-slots.ts) over HTTP: with the
 * tenant's slots taken, its next POST /Bulk is 429 with Retry-After and writes nothing; another
 * tenant is not affected; a freed slot, or one whose lease expired (a crashed run), serves again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { releaseBulkSlot, takeBulkSlot } from '../../functions/store/bulk-slots';
import { jsonCaller, startTestStack, type TestStack } from '../support/local-stack';
import { BULK, USER } from '../support/urns';

let stack: TestStack;
const call = jsonCaller(() => stack, 'acme');
const saved = process.env.SCIM_BULK_REQUESTS_PER_TENANT;

const bulk = (userName: string, tenant = 'acme') =>
  call(
    'POST',
    '/Bulk',
    { schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', bulkId: 'u', data: { schemas: [USER], userName } }] },
    tenant,
  );
const exists = async (userName: string, tenant = 'acme') =>
  (await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, undefined, tenant)).json.totalResults === 1;

beforeAll(async () => {
  process.env.SCIM_BULK_REQUESTS_PER_TENANT = '1';
  stack = await startTestStack({ tenants: ['acme', 'globex'] });
});
afterAll(async () => {
  if (saved === undefined) delete process.env.SCIM_BULK_REQUESTS_PER_TENANT;
  else process.env.SCIM_BULK_REQUESTS_PER_TENANT = saved;
  await stack.stop();
});

describe('concurrent Bulk requests per tenant', () => {
  it('answers 429 with Retry-After while the tenant has its bulk requests in progress, and writes nothing', async () => {
    const held = await takeBulkSlot(stack.stack.db, 'acme', 1, 'another-run', 60_000);
    expect(held).toBeDefined();
    const refused = await bulk('capped@acme.example');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(await exists('capped@acme.example')).toBe(false);

    // Another tenant has slots of its own.
    expect((await bulk('free@globex.example', 'globex')).status).toBe(200);

    await releaseBulkSlot(stack.stack.db, 'acme', held as NonNullable<typeof held>);
    const served = await bulk('capped@acme.example');
    expect(served.status).toBe(200);
    expect(served.json.Operations[0].status).toBe('201');
    expect(await exists('capped@acme.example')).toBe(true);
  });

  it('frees the slot after each request, and a slot whose lease expired (a crashed run) is taken again', async () => {
    for (let i = 0; i < 3; i += 1) expect((await bulk(`sequential-${i}@acme.example`)).status).toBe(200);
    expect(await takeBulkSlot(stack.stack.db, 'acme', 1, 'crashed-run', -1)).toBeDefined();
    expect((await bulk('after-crash@acme.example')).status).toBe(200);
  });
});
