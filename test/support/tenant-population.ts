/**
 * A tenant with something of every kind the table keeps for a tenant, made over HTTP on the local
 * stack (admin API, SCIM, token endpoint): the tenant purge tests delete it and look for leftovers.
 * `tableItemsOf` scans the whole table for a tenant's items (tests only: production never scans).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../functions/store/db';
import { adminCaller } from './admin-api';
import type { Json, TestStack } from './local-stack';
import { clientCredentialsToken } from './token-request';
import { BULK, GROUP, USER } from './urns';

const POLL = 'urn:ietf:rfc:8936';

export interface PopulatedTenant {
  readonly tenantId: string;
  readonly token: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken: string;
  readonly userIds: readonly string[];
}

/** Users, a group holding them, a token, an OAuth client and an access token, a federated credential, a poll event stream with SETs, activity. */
export async function populateTenant(stack: TestStack, tenantId: string, users = 3): Promise<PopulatedTenant> {
  const admin = adminCaller(() => stack);
  const expectStatus = (what: string, status: number, expected: number) => {
    if (status !== expected) throw new Error(`${what}: ${status}, expected ${expected}`);
  };
  expectStatus('create tenant', (await admin('POST', '/tenants', { id: tenantId, displayName: `Tenant ${tenantId}` })).status, 201);
  const issued = await admin('POST', `/tenants/${tenantId}/tokens`);
  expectStatus('issue token', issued.status, 201);
  const token = String(issued.json.token);
  const stream = await admin('POST', `/tenants/${tenantId}/event-streams`, { stream_id: 'poll', delivery: { method: POLL } });
  expectStatus('event stream', stream.status, 201);
  const federated = await admin('POST', `/tenants/${tenantId}/federated-credentials`, {
    issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
    jwksUri: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys',
    subject: '66666666-7777-8888-9999-000000000000',
    audiences: ['api://scim'],
  });
  expectStatus('federated credential', federated.status, 201);
  const issuedClient = await admin('POST', `/tenants/${tenantId}/oauth-clients`);
  expectStatus('OAuth client', issuedClient.status, 201);
  const client = { clientId: String(issuedClient.json.clientId), clientSecret: String(issuedClient.json.clientSecret) };
  const accessToken = await clientCredentialsToken(stack, tenantId, client.clientId, client.clientSecret);

  const scim = (method: string, path: string, body?: unknown) =>
    stack.request(tenantId, method, path, body, { authorization: `Bearer ${token}` });
  const userIds: string[] = [];
  for (let i = 0; i < users; i += 1) {
    const created = await scim('POST', '/Users', { schemas: [USER], userName: `user${i}.${tenantId}@example.com`, externalId: `ext-${i}` });
    expectStatus('create user', created.status, 201);
    userIds.push(String((created.body as Json).id));
  }
  const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Everyone', members: userIds.map((value) => ({ value })) });
  expectStatus('create group', group.status, 201);
  expectStatus('empty group', (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Nobody' })).status, 201);
  const bulk = await scim('POST', '/Bulk', {
    schemas: [BULK],
    Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER], userName: `bulk.${tenantId}@example.com` } }],
  });
  expectStatus('bulk', bulk.status, 200);
  // A list walk by index keeps its position; an access token's request; a refused token's activity record.
  expectStatus('list', (await scim('GET', '/Users?startIndex=2&count=1')).status, 200);
  const byAccessToken = await stack.request(tenantId, 'GET', '/Groups', undefined, { authorization: `Bearer ${accessToken}` });
  expectStatus('access token', byAccessToken.status, 200);
  await stack.request(tenantId, 'GET', '/Users', undefined, { authorization: 'Bearer scim_not-a-real-token' });
  await stack.stack.drainStreams();
  return { tenantId, token, clientId: client.clientId, clientSecret: client.clientSecret, accessToken, userIds };
}

/** Every item of the table. */
export async function scanTable(db: Db): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(new ScanCommand({ TableName: db.table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The items of one tenant: its `tenantId` attribute, or its id as a whole `#`-separated segment of a
 * key (`TENANT#acme#GROUP#…`, `EVENTS#acme#poll`, the registry's `TENANT#acme`): `acme` never matches `acme2`.
 */
export function itemsOf(items: readonly Record<string, unknown>[], tenantId: string): Record<string, unknown>[] {
  const segment = new RegExp(`(^|#)${tenantId}(#|$)`);
  return items.filter(
    (item) =>
      item.tenantId === tenantId || ['PK', 'SK', 'GSI1PK'].some((name) => typeof item[name] === 'string' && segment.test(item[name])),
  );
}

/** The kind of an item: its PK up to the tenant id (`TENANT`, `EVENTS`, `OAUTH_CLIENTS`, `TOKEN`…), with `entity`. */
export const kindOf = (item: Record<string, unknown>): string => `${String(item.PK).split('#')[0]}:${String(item.entity ?? '')}`;

export const keyOf = (item: Record<string, unknown>): string => `${String(item.PK)} | ${String(item.SK)}`;
