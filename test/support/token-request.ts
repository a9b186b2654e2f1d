/**
 * A client-credentials token request (client_secret_post) to a tenant's token endpoint on the local
 * stack, as a test needs it: the answer as it came, or the access token of a request that must work.
 * One helper, so the tests of clients, the admin API and the purge ask for tokens the same way.
 */
import type { Json, TestStack } from './local-stack';

export async function tokenRequest(stack: TestStack, tenantId: string, clientId: string, clientSecret: string) {
  const response = await fetch(stack.stack.tokenUrl(tenantId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Json };
}

/** The access token; throws unless the endpoint answered 200. */
export async function clientCredentialsToken(stack: TestStack, tenantId: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await tokenRequest(stack, tenantId, clientId, clientSecret);
  if (response.status !== 200) throw new Error(`token request: ${response.status}`);
  return String(response.json.access_token);
}
