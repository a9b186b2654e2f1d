/**
 * The revocation delay, as deployed: API Gateway caches the authorizer's allow per token for the
 * cache TTL, so a revoked client's access token keeps working until the cached decision expires,
 * and not a moment longer. The TTL is the deployed 5 minutes: the local gateway's authorizer cache
 * runs on a clock this test moves by hand, so nothing sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addClient, revokeTenantClient } from '../../functions/credentials/client-service';
import { setTenantStatus } from '../../functions/store/tenants';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';

const TTL_SECONDS = 300;
let stack: TestStack;
let clockMs = Date.now();
/** Moves the authorizer cache's clock forward. */
const advance = (milliseconds: number) => {
  clockMs += milliseconds;
};

async function accessToken(tenantId: string): Promise<{ clientId: string; token: string }> {
  const client = await addClient(stack.stack.db, tenantId);
  const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/${tenantId}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
  });
  return { clientId: client.clientId, token: String(((await response.json()) as Json).access_token) };
}

const status = async (tenantId: string, token: string) =>
  (await stack.request(tenantId, 'GET', '/Users?count=1', undefined, { authorization: `Bearer ${token}` })).status;

beforeAll(async () => {
  stack = await startTestStack({ tenants: ['acme', 'initech'], authorizerCacheSeconds: TTL_SECONDS, authorizerClock: () => clockMs });
  // Loads the authorizer and the handlers first, so no module load sits between two requests below.
  expect((await stack.request('acme', 'GET', '/Users?count=1')).status).toBe(200);
  await accessToken('acme');
});
afterAll(async () => stack.stop());

describe('revocation delay = authorizer cache TTL', () => {
  it('a revoked client works from the cache until the TTL, then is refused', async () => {
    const { clientId, token } = await accessToken('acme');
    expect(await status('acme', token)).toBe(200);
    await revokeTenantClient(stack.stack.db, 'acme', clientId);
    // The cached allow still answers (what a deployed API does for up to authorizerCacheTtl)...
    expect(await status('acme', token)).toBe(200);
    advance(TTL_SECONDS * 1000 - 1);
    expect(await status('acme', token)).toBe(200);
    // ...and not a millisecond past it.
    advance(1);
    expect(await status('acme', token)).toBe(401);
  });

  it("a disabled tenant's access token is refused once the cached decision expires", async () => {
    const { token } = await accessToken('initech');
    expect(await status('initech', token)).toBe(200);
    await setTenantStatus(stack.stack.db, 'initech', 'disabled');
    expect(await status('initech', token)).toBe(200);
    advance(TTL_SECONDS * 1000);
    expect(await status('initech', token)).toBe(401);
  });
});
