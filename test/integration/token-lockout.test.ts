/**
 * No lock-out at the token endpoint (issue #28): failed authentications are counted apart from issued
 * tokens, per source IP and per client id, so junk — from one address or from many, naming unknown
 * clients or the real client id with wrong secrets — never spends the tenant's budget, and the real
 * client gets its token. Sources are told apart by binding requests to other loopback addresses
 * (127.0.0.0/8 all reach the local server).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientCredentials } from '../../functions/credentials/client-credentials';
import { addClient } from '../../functions/credentials/client-service';
import { startTestStack, type TestStack } from '../support/local-stack';

const TENANT = 'acme';
let stack: TestStack;
let client: ClientCredentials;

/** POST a token request from `localAddress`; the status and the body's `error`. */
function tokenRequest(localAddress: string, clientId: string, clientSecret: string): Promise<{ status: number; error?: string }> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: stack.stack.port,
        localAddress,
        method: 'POST',
        path: `/tenants/${TENANT}/oauth2/token`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, error: (JSON.parse(text) as { error?: string }).error }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const saved = { ...process.env };
beforeAll(async () => {
  // Small limits keep the flood short: 5 tokens issued per tenant and minute, 5 failures per source and per client id.
  process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = '5';
  process.env.OAUTH_FAILED_AUTHENTICATIONS_PER_MINUTE = '5';
  stack = await startTestStack({ tenants: [TENANT] });
  client = await addClient(stack.stack.db, TENANT);
});
afterAll(async () => {
  process.env = saved;
  await stack.stop();
});

describe('a junk flood, then the valid client', () => {
  it('junk from one address is throttled there, junk from many is refused, and the valid client still gets its token', async () => {
    // 12 failures from one address (wrong secrets for the real client id, unknown ids): past 5 in a minute, 429.
    const flood: { status: number }[] = [];
    for (let i = 0; i < 12; i += 1) {
      flood.push(await tokenRequest('127.0.0.2', i % 2 === 0 ? client.clientId : `junk-${i}`, `wrong-secret-${i}`));
    }
    expect(flood.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(flood.filter((r) => r.status === 429).length).toBeGreaterThan(0);

    // Junk from 12 other addresses, each under the per-source limit, all naming the real client id.
    const spread = await Promise.all(
      Array.from({ length: 12 }, (_, i) => tokenRequest(`127.0.1.${i + 1}`, client.clientId, `wrong-secret-${i}`)),
    );
    // 401 until the client id's failures pass the limit, then 429: never a token, never a 5xx.
    expect(spread.every((r) => r.status === 401 || r.status === 429)).toBe(true);

    // 24 junk requests against a tenant budget of 5 a minute: the real client is not locked out.
    const valid = await tokenRequest('127.0.0.1', client.clientId, client.clientSecret);
    expect(valid).toEqual({ status: 200 });
  });

  it('the flooding address itself stays throttled, whatever it sends', async () => {
    for (let i = 0; i < 6; i += 1) await tokenRequest('127.0.0.3', `junk-${i}`, 'wrong');
    expect((await tokenRequest('127.0.0.3', client.clientId, client.clientSecret)).status).toBe(429);
  });

  it('issued tokens still count against the tenant: the sixth in a minute from a clean address may be 429, never a 5xx', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await tokenRequest('127.0.0.4', client.clientId, client.clientSecret)).status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });
});
