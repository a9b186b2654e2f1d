/**
 * Nothing of a tenant is served from the moment of its DELETE's 202 (issue #22.3), before the purge
 * has removed anything (the purge loop is off here, as while the queue's message waits): every admin
 * route below `/tenants/{id}/` answers `409 invalid-state` (activity, health, event streams, OAuth
 * clients, federated credentials, tokens, stats, connection), and its poll stream refuses its own
 * credential like an unknown stream, although its SETs are still in the table, and its push streams get
 * no pass: a SET still pending (a receiver that was down) stays in the outbox for the purge. Another
 * tenant is untouched (a disabled one's poll credential is refused too); an unknown tenant stays 404.
 * A token revoked meanwhile is deleted, not kept as a tombstone (the purge may have passed its tokens).
 * One guard does it: functions/commons/served-tenant.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliverStream } from '../../functions/events/push-delivery';
import { getEventStream } from '../../functions/store/event-stream-items';
import { getPendingSet, putPendingSet, readPendingSets } from '../../functions/store/outbox-items';
import { hashToken } from '../../functions/credentials/secret-token';
import { getToken } from '../../functions/store/tenants';
import { getTokenListing } from '../../functions/store/token-items';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared } from '../support/admin-openapi';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { startSetReceiver, until, type SetReceiver } from '../support/set-receiver';
import { USER } from '../support/urns';

const POLL = 'urn:ietf:rfc:8936';
const PUSH = 'urn:ietf:rfc:8935';
const receivers: Record<string, SetReceiver> = {};
let stack: TestStack;
const observations: Observation[] = [];
const admin = adminCaller(() => stack, observations);
const problem = (name: string) => `tag:scim-serverless,2026:problems/${name}`;

interface PollStream {
  readonly url: string;
  readonly authorization: string;
  readonly clientId: string;
}
const streams: Record<string, PollStream> = {};

beforeAll(async () => {
  // No purge loop: the tenant stays `deleting` with every item in place, as in AWS until the queue's message is taken.
  stack = await startTestStack({ tenants: ['doomed', 'kept'], tenantPurge: false });
  for (const tenant of ['doomed', 'kept']) {
    const receiver = await startSetReceiver(`/${tenant}`);
    receivers[tenant] = receiver;
    const push = { stream_id: 'push', delivery: { method: PUSH, endpoint_url: receiver.url } };
    expect((await admin('POST', `/tenants/${tenant}/event-streams`, push)).status).toBe(201);
    const created = await admin('POST', `/tenants/${tenant}/event-streams`, { stream_id: 'poll', delivery: { method: POLL } });
    expect(created.status).toBe(201);
    const delivery = created.json.delivery as Json;
    const client = await admin('POST', `/tenants/${tenant}/oauth-clients`);
    expect(client.status).toBe(201);
    streams[tenant] = {
      url: String(delivery.endpoint_url),
      authorization: String(delivery.authorization_header),
      clientId: client.json.clientId,
    };
    expect((await stack.request(tenant, 'POST', '/Users', { schemas: [USER], userName: `ada@${tenant}.example` })).status).toBe(201);
  }
  await stack.stack.drainStreams();
  for (const receiver of Object.values(receivers)) await until(() => receiver.accepted.length > 0, 'the first push');
}, 120_000);
afterAll(async () => {
  await stack.stop();
  for (const receiver of Object.values(receivers)) await receiver.stop();
});

async function poll(url: string, authorization: string): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify({ returnImmediately: true }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** Every read below the tenant, with a sub-resource that exists. */
const readPaths = (tenant: string) => [
  `/tenants/${tenant}/activity`,
  `/tenants/${tenant}/health`,
  `/tenants/${tenant}/event-streams`,
  `/tenants/${tenant}/event-streams/poll`,
  `/tenants/${tenant}/event-streams/poll/dead-letters`,
  `/tenants/${tenant}/oauth-clients`,
  `/tenants/${tenant}/oauth-clients/${streams[tenant]?.clientId ?? ''}`,
  `/tenants/${tenant}/federated-credentials`,
  `/tenants/${tenant}/tokens`,
  `/tenants/${tenant}/stats`,
  `/tenants/${tenant}/connection`,
];

describe('a tenant being deleted', () => {
  it('served everything before the DELETE (so the refusals below are the guard, not an empty tenant)', async () => {
    for (const path of readPaths('doomed')) expect([path, (await admin('GET', path)).status]).toEqual([path, 200]);
    expect(((await admin('GET', '/tenants/doomed/activity')).json.records as unknown[]).length).toBeGreaterThan(0);
    const polled = await poll(streams.doomed?.url ?? '', streams.doomed?.authorization ?? '');
    expect(polled.status).toBe(200);
    expect(Object.keys(polled.json.sets as Json).length).toBeGreaterThan(0);
  });

  it('answers 409 invalid-state on every admin read from the 202 on, while GET /tenants/{id} shows it deleting', async () => {
    const deleted = await admin('DELETE', '/tenants/doomed');
    expect(deleted.status).toBe(202);
    expect((await admin('GET', '/tenants/doomed')).json).toMatchObject({ id: 'doomed', status: 'deleting' });
    for (const path of readPaths('doomed')) {
      const read = await admin('GET', path);
      expect([path, read.status, read.headers.get('content-type'), read.json.type]).toEqual([
        path,
        409,
        'application/problem+json',
        problem('invalid-state'),
      ]);
      expect(read.text).not.toContain('ada@doomed.example');
    }
  });

  it('refuses creating anything in it, and changing its event streams (409 invalid-state)', async () => {
    const creates: [string, string, unknown][] = [
      ['POST', '/tenants/doomed/tokens', undefined],
      ['POST', '/tenants/doomed/oauth-clients', undefined],
      [
        'POST',
        '/tenants/doomed/federated-credentials',
        {
          issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
          jwksUri: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys',
          subject: '66666666-7777-8888-9999-000000000000',
          audiences: ['api://scim'],
        },
      ],
      ['POST', '/tenants/doomed/event-streams', { stream_id: 'late', delivery: { method: POLL } }],
      ['PATCH', '/tenants/doomed/event-streams/poll', { description: 'changed' }],
      ['POST', '/tenants/doomed/event-streams/poll/poll-credential', undefined],
    ];
    for (const [method, path, body] of creates) {
      const answer = await admin(method, path, body);
      expect([method, path, answer.status, answer.json.type]).toEqual([method, path, 409, problem('invalid-state')]);
    }
  });

  it('refuses its poll stream like an unknown stream, although its SETs are still stored', async () => {
    const doomed = streams.doomed as PollStream;
    const refused = await poll(doomed.url, doomed.authorization);
    const unknown = await poll(doomed.url.replace('/streams/poll/', '/streams/no-such-stream/'), doomed.authorization);
    expect(refused).toEqual(unknown);
    expect(refused.status).toBe(401);
    expect(refused.json.err).toBe('authentication_failed');
    expect((await readPendingSets(stack.stack.db, 'doomed', 'poll', 10)).sets.length).toBeGreaterThan(0);
  });

  it("pushes nothing more: a SET still pending at the DELETE stays in the outbox, while another tenant's is pushed", async () => {
    // A SET waiting in each push outbox (as after a receiver outage), due now: a real signed SET each tenant was pushed before.
    const held = (tenant: string) => ({
      tenantId: tenant,
      streamId: 'push',
      jti: `held-${tenant}`,
      set: receivers[tenant]?.accepted[0] ?? '',
      resource: 'User/held',
      version: 1,
      chunk: 0,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      attempts: 0,
      nextAttemptAt: 0,
    });
    const pushedBefore = receivers.doomed?.received.length ?? 0;
    await putPendingSet(stack.stack.db, held('doomed'));
    await putPendingSet(stack.stack.db, held('kept'));
    // The server's delivery loop takes both streams every tick: once kept's SET is out, doomed's had its chance.
    await until(() => (receivers.kept?.accepted.length ?? 0) > 1, "kept's held SET");
    const stream = await getEventStream(stack.stack.db, 'doomed', 'push');
    const pass = await deliverStream(stack.stack.db, stream as NonNullable<typeof stream>, { deadline: Date.now() + 2_000 });
    expect(pass).toMatchObject({ delivered: 0, dead: 0 });
    expect(receivers.doomed?.received.length).toBe(pushedBefore);
    expect(await getPendingSet(stack.stack.db, 'doomed', 'push', 'held-doomed')).toMatchObject({ attempts: 0 });
  });

  it("refuses a disabled tenant's poll credential too (its other credentials are refused), and serves it again once active", async () => {
    const kept = streams.kept as PollStream;
    expect((await admin('PATCH', '/tenants/kept', { status: 'disabled' })).status).toBe(200);
    const refused = await poll(kept.url, kept.authorization);
    expect(refused).toEqual(await poll(kept.url.replace('/streams/poll/', '/streams/no-such-stream/'), kept.authorization));
    expect(refused.status).toBe(401);
    expect((await admin('PATCH', '/tenants/kept', { status: 'active' })).status).toBe(200);
    expect((await poll(kept.url, kept.authorization)).status).toBe(200);
  });

  it('revokes a token without a tombstone: written after the purge had passed, it would outlive the tenant', async () => {
    const tokenHash = hashToken(stack.token('doomed'));
    const tokenId = `tok_${tokenHash.slice(0, 12)}`;
    expect(await getTokenListing(stack.stack.db, 'doomed', tokenId)).toBeDefined();
    expect((await admin('DELETE', `/tenants/doomed/tokens/${tokenId}`)).status).toBe(204);
    expect([await getTokenListing(stack.stack.db, 'doomed', tokenId), await getToken(stack.stack.db, tokenHash)]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('leaves another tenant served, and an unknown tenant 404', async () => {
    for (const path of readPaths('kept')) expect([path, (await admin('GET', path)).status]).toEqual([path, 200]);
    expect((await poll(streams.kept?.url ?? '', streams.kept?.authorization ?? '')).status).toBe(200);
    expect((await admin('GET', '/tenants/nobody/activity')).json).toMatchObject({ type: problem('not-found'), status: 404 });
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
  });
});
