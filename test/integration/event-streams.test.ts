/**
 * Event streams end to end (docs/events.md): stream configuration, SETs signed by the events key and
 * verified against the published JWKS (jose), RFC 8936 poll with ack, RFC 8935 push to a real
 * receiver on loopback (retries after 503, a 400 recorded as permanent), tenants kept apart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyDeclaredStreams } from '../../functions/events/declared-streams';
import { parseTenantsFile } from '../../functions/tenants/tenants-file';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import {
  createStream,
  deadLetters,
  deleteStream,
  getStream,
  issuePollCredential,
  redriveStream,
  StreamError,
  updateStream,
} from '../../functions/events/stream-service';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { startSetReceiver, until, type SetReceiver } from '../support/set-receiver';
import { adminCaller, type Observation } from '../support/admin-api';
import { undeclared, unexercised } from '../support/admin-openapi';
import { GROUP, PATCH_OP, USER } from '../support/urns';
import { runScimAdmin, type CliRun } from '../support/scim-admin-cli';

const PROV = 'urn:ietf:params:scim:event:prov';
const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';

let stack: TestStack;
let issuer: string;
let jwks: ReturnType<typeof createRemoteJWKSet>;
const receivers: SetReceiver[] = [];

const call = async (tenant: string, method: string, path: string, body?: unknown) => {
  const response = await stack.request(tenant, method, path, body);
  expect(response.status).toBeLessThan(300);
  return response.body as Json;
};
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

async function receiver(): Promise<SetReceiver> {
  const started = await startSetReceiver();
  receivers.push(started);
  return started;
}

/** Verifies a SET against the published JWKS; returns its claims. */
async function verified(set: string, audience: string): Promise<JWTPayload & Json> {
  const { payload, protectedHeader } = await jwtVerify(set, jwks, { issuer, audience, typ: 'secevent+jwt', algorithms: ['ES256'] });
  expect(protectedHeader.kid).toEqual(expect.any(String));
  return payload as JWTPayload & Json;
}

async function pollOnce(url: string, credential: string, body: Json): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${credential}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** Polls with ack until nothing is left; returns every SET in the order received. */
async function drainByPoll(url: string, credential: string, maxEvents = 3): Promise<string[]> {
  const all: string[] = [];
  let ack: string[] = [];
  for (;;) {
    const { status, json } = await pollOnce(url, credential, { maxEvents, returnImmediately: true, ack });
    expect(status).toBe(200);
    const sets = Object.entries(json.sets as Record<string, string>);
    all.push(...sets.map(([, set]) => set));
    ack = sets.map(([jti]) => jti);
    if (sets.length === 0) return all;
  }
}

/** The scripted Entra cycle: create, update, deactivate, group create, add 3, remove 1, replace, delete. */
async function entraCycle(tenant: string) {
  const user = await call(tenant, 'POST', '/Users', { schemas: [USER], userName: `alice@${tenant}.example`, externalId: 'alice' });
  await call(tenant, 'PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'displayName', value: 'Alice A.' }));
  await call(tenant, 'PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'active', value: false }));
  const others = [];
  for (const name of ['bob', 'carol', 'dave'])
    others.push(await call(tenant, 'POST', '/Users', { schemas: [USER], userName: `${name}@${tenant}.example` }));
  const group = await call(tenant, 'POST', '/Groups', { schemas: [GROUP], displayName: `Team ${tenant}` });
  await call(tenant, 'PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: others.map((o) => ({ value: o.id })) }));
  await call(tenant, 'PATCH', `/Groups/${group.id}`, patch({ op: 'remove', path: `members[value eq "${others[0]?.id}"]` }));
  await call(
    tenant,
    'PATCH',
    `/Groups/${group.id}`,
    patch({ op: 'replace', path: 'members', value: [{ value: user.id }, { value: others[2]?.id }] }),
  );
  await call(tenant, 'DELETE', `/Groups/${group.id}`);
  return { user: user.id as string, others: others.map((o) => o.id as string), group: group.id as string };
}

/** The cycle's SETs as `<type>/<id> <event names>` lines, in the order of the resources' versions. */
function expectedCycle(ids: Awaited<ReturnType<typeof entraCycle>>): string[] {
  return [
    `User/${ids.user} create:notice`,
    `User/${ids.user} patch:notice`,
    `User/${ids.user} deactivate`,
    ...ids.others.map((id) => `User/${id} create:notice`),
    `Group/${ids.group} create:notice`,
    `Group/${ids.group} patch:notice`,
    `Group/${ids.group} patch:notice`,
    `Group/${ids.group} patch:notice`,
    `Group/${ids.group} delete`,
  ];
}

const summary = (claims: Json) =>
  `${(claims.sub_id.uri as string).slice(1).replace(/s\//, '/')} ${Object.keys(claims.events)
    .map((uri) => uri.slice(PROV.length + 1))
    .join(' ')}`;

const versionOf = (claims: Json) => Number(/\d+/.exec((Object.values(claims.events)[0] as { version: string }).version)?.[0]);
const isDelete = (claims: Json) => (`${PROV}:delete` in claims.events ? 1 : 0);

/** The order of the writes: time of event, then version, a delete after the version it deletes (its toe may equal that version's). */
const byResourceVersion = (claims: Json[]) =>
  [...claims].sort((a, b) => a.toe - b.toe || versionOf(a) - versionOf(b) || isDelete(a) - isDelete(b));

beforeAll(async () => {
  process.env.EVENTS_RETRY_BASE_MS = '50';
  stack = await startTestStack({ tenants: ['acme', 'contoso'] });
  issuer = stack.stack.url;
  const metadata = (await (await fetch(`${issuer}/.well-known/ssf-configuration`)).json()) as Json;
  jwks = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await stack.stop();
});

describe('SSF transmitter metadata and keys', () => {
  it('publishes the issuer, the jwks_uri, both delivery methods and a tenant configuration endpoint', async () => {
    const root = (await (await fetch(`${issuer}/.well-known/ssf-configuration`)).json()) as Json;
    expect(root).toMatchObject({ issuer, jwks_uri: `${issuer}/ssf/jwks.json`, delivery_methods_supported: [PUSH, POLL] });
    const tenant = (await (await fetch(`${issuer}/.well-known/ssf-configuration/tenants/acme`)).json()) as Json;
    expect(tenant.configuration_endpoint).toBe(`${issuer}/admin/v1/tenants/acme/event-streams`);
    const keys = (await (await fetch(`${issuer}/ssf/jwks.json`)).json()) as Json;
    expect(keys.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) })]);
    expect(keys.keys[0].d).toBeUndefined();
  });
});

describe('stream configuration', () => {
  it('refuses plain http to a non-loopback host, unknown event URIs and a duplicate id; never echoes the authorization header', async () => {
    const db = stack.stack.db;
    await expect(createStream(db, 'acme', { delivery: { method: PUSH, endpoint_url: 'http://example.com/e' } })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      createStream(db, 'acme', { delivery: { method: POLL }, events_requested: [`${PROV}:create:full`] }),
    ).rejects.toBeInstanceOf(StreamError);
    await expect(createStream(db, 'nobody', { delivery: { method: POLL } })).rejects.toMatchObject({ status: 404 });
    const created = await createStream(db, 'acme', {
      stream_id: 'cfg',
      delivery: { method: PUSH, endpoint_url: 'https://receiver.example/events', authorization_header: 'Bearer receiver-secret-1' },
    });
    expect(JSON.stringify(created)).not.toContain('receiver-secret-1');
    expect(created.stream).toMatchObject({ stream_id: 'cfg', delivery: { method: PUSH, authorization_header_set: true }, form: 'notice' });
    await expect(createStream(db, 'acme', { stream_id: 'cfg', delivery: { method: POLL } })).rejects.toMatchObject({ status: 409 });
    await expect(updateStream(db, 'acme', 'cfg', { delivery: { method: POLL } })).rejects.toMatchObject({ status: 400 });
    const updated = await updateStream(db, 'acme', 'cfg', { events_requested: [`${PROV}:delete`] });
    expect(updated.events_delivered).toEqual([`${PROV}:delete`]);
    expect(JSON.stringify(updated)).not.toContain('receiver-secret');
    await deleteStream(db, 'acme', 'cfg');
    await expect(getStream(db, 'acme', 'cfg')).rejects.toMatchObject({ status: 404 });
  });
});

describe('poll (RFC 8936) and push (RFC 8935) of one Entra cycle', () => {
  let ids: Awaited<ReturnType<typeof entraCycle>>;
  let pollUrl: string;
  let credential: string;
  let push: SetReceiver;
  let pushAudience: string;

  beforeAll(async () => {
    const polled = await createStream(stack.stack.db, 'acme', { stream_id: 'poller', delivery: { method: POLL } });
    pollUrl = (polled.stream.delivery as Json).endpoint_url as string;
    credential = polled.pollCredential as string;
    push = await receiver();
    pushAudience = 'https://vendor.example/scim-events';
    await createStream(stack.stack.db, 'acme', {
      stream_id: 'pusher',
      aud: pushAudience,
      delivery: { method: PUSH, endpoint_url: push.url, authorization_header: 'Bearer vendor-token' },
    });
    ids = await entraCycle('acme');
    await stack.stack.drainStreams();
  });

  it('poll refuses a missing or wrong credential', async () => {
    expect((await pollOnce(pollUrl, 'ssfp_wrong', {})).status).toBe(401);
    expect((await fetch(pollUrl, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('poll with ack drains exactly the cycle, each SET verifying against the JWKS, then answers nothing', async () => {
    const sets = await drainByPoll(pollUrl, credential);
    const claims = await Promise.all(sets.map((set) => verified(set, pollUrl)));
    expect(new Set(claims.map((c) => c.jti)).size).toBe(claims.length);
    expect(byResourceVersion(claims).map(summary)).toEqual(expectedCycle(ids));
    for (const c of claims) expect(c).toMatchObject({ iat: expect.any(Number), toe: expect.any(Number), txn: expect.any(String) });
    // Membership deltas: who joined and who left, in order.
    const deltas = byResourceVersion(claims)
      .filter((c) => c.sub_id.id === ids.group && `${PROV}:patch:notice` in c.events)
      .map((c) => c.events[`${PROV}:patch:notice`].members);
    expect(deltas).toEqual([
      { added: ids.others, removed: [] },
      { added: [], removed: [ids.others[0]] },
      { added: [ids.user], removed: [ids.others[1]] },
    ]);
    const again = await pollOnce(pollUrl, credential, { returnImmediately: true });
    expect(again.json).toEqual({ sets: {}, moreAvailable: false });
  });

  it('push delivers the same events, once each, in version order per resource, with the headers RFC 8935 asks for', async () => {
    await until(() => push.accepted.length >= expectedCycle(ids).length, 'pushes');
    const claims = await Promise.all(push.accepted.map((set) => verified(set, pushAudience)));
    expect(byResourceVersion(claims).map(summary)).toEqual(expectedCycle(ids));
    const versions = new Map<string, number>();
    for (const c of claims) {
      const payload = Object.values(c.events as Record<string, { version: string }>)[0];
      const version = Number(/\d+/.exec(payload?.version ?? '')?.[0]);
      expect(version).toBeGreaterThanOrEqual(versions.get(c.sub_id.id) ?? 0);
      versions.set(c.sub_id.id, version);
    }
    expect(push.received.every((p) => p.contentType === 'application/secevent+jwt' && p.accept === 'application/json')).toBe(true);
    expect(push.received.every((p) => p.authorization === 'Bearer vendor-token')).toBe(true);
  });

  it('long polling returns as soon as a SET is written', async () => {
    const waiting = pollOnce(pollUrl, credential, { returnImmediately: false, maxEvents: 5 });
    const user = await call('acme', 'POST', '/Users', { schemas: [USER], userName: 'late@acme.example' });
    const { json } = await waiting;
    const claims = await Promise.all(Object.values(json.sets as Record<string, string>).map((s) => verified(s, pollUrl)));
    expect(claims.map((c) => c.sub_id.id)).toContain(user.id);
  });
});

describe('push failures', () => {
  it('a receiver answering 503 then 202 gets everything once it recovers, the same jti for a retried SET', async () => {
    const flaky = await receiver();
    flaky.answer = (_push, index) => (index < 4 ? { status: 503 } : { status: 202 });
    await stack.stack.drainStreams();
    await createStream(stack.stack.db, 'contoso', { stream_id: 'flaky', delivery: { method: PUSH, endpoint_url: flaky.url } });
    const ids = await entraCycle('contoso');
    await until(() => flaky.accepted.length >= expectedCycle(ids).length, 'pushes after 503s');
    const accepted = await Promise.all(flaky.accepted.map((set) => verified(set, flaky.url)));
    expect(byResourceVersion(accepted).map(summary)).toEqual(expectedCycle(ids));
    const refused = flaky.received.slice(0, 4).map((p) => decodeJwt(p.body).jti);
    for (const jti of refused) expect(accepted.map((c) => c.jti)).toContain(jti);
  });

  it('a receiver answering 400 invalid_audience is recorded as a permanent failure with the SET itself, and can be redriven', async () => {
    const strict = await receiver();
    strict.answer = () => ({ status: 400, body: { err: 'invalid_audience', description: 'not for us' } });
    // Earlier tests' writes are in SETs before this stream exists.
    await stack.stack.drainStreams();
    await createStream(stack.stack.db, 'contoso', { stream_id: 'strict', delivery: { method: PUSH, endpoint_url: strict.url } });
    const user = await call('contoso', 'POST', '/Users', { schemas: [USER], userName: 'strict@contoso.example' });
    await until(() => strict.received.length >= 1, 'the refused push');
    let dead: Json[] = [];
    for (let tries = 0; dead.length === 0 && tries < 100; tries += 1) {
      dead = await deadLetters(stack.stack.db, 'contoso', 'strict', true);
      if (dead.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(strict.received).toHaveLength(1);
    expect(dead[0]).toMatchObject({ error: { status: 400, err: 'invalid_audience', description: 'not for us' }, attempts: 1 });
    expect(decodeJwt(dead[0]?.set as string).sub_id).toMatchObject({ id: user.id });
    strict.answer = () => ({ status: 202 });
    expect(await redriveStream(stack.stack.db, 'contoso', 'strict')).toBe(1);
    await until(() => strict.accepted.length === 1, 'the redriven push');
    expect(decodeJwt(strict.accepted[0] as string).jti).toBe(decodeJwt(dead[0]?.set as string).jti);
  });
});

describe('tenants apart', () => {
  it("one tenant's streams never see another tenant's events", async () => {
    const acme = await receiver();
    const contoso = await receiver();
    await stack.stack.drainStreams();
    await createStream(stack.stack.db, 'acme', { stream_id: 'apart', delivery: { method: PUSH, endpoint_url: acme.url } });
    await createStream(stack.stack.db, 'contoso', { stream_id: 'apart', delivery: { method: PUSH, endpoint_url: contoso.url } });
    const a = await call('acme', 'POST', '/Users', { schemas: [USER], userName: 'apart@acme.example' });
    const c = await call('contoso', 'POST', '/Users', { schemas: [USER], userName: 'apart@contoso.example' });
    await until(() => acme.accepted.length >= 1 && contoso.accepted.length >= 1, 'both pushes');
    await stack.stack.drainStreams();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(acme.accepted.map((s) => decodeJwt(s).sub_id)).toEqual([expect.objectContaining({ id: a.id })]);
    expect(contoso.accepted.map((s) => decodeJwt(s).sub_id)).toEqual([expect.objectContaining({ id: c.id })]);
  });
});

describe('scim-admin streams and tenants.json', () => {
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliRun> =>
    runScimAdmin([...args, '--endpoint', stack.stack.dynamoEndpoint, '--table', stack.stack.db.table, '--data-dir', dataDir]);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scim-streams-cli-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('add (push with a header from a file, never printed; poll with its credential shown once), list, remove', async () => {
    const header = join(dataDir, 'auth');
    await writeFile(header, 'Bearer cli-secret-header\n');
    const push = await cli(
      'streams',
      'add',
      '--tenant',
      'acme',
      '--id',
      'cli-push',
      '--push',
      'https://vendor.example/e',
      '--authorization-file',
      header,
    );
    expect(push.code).toBe(0);
    expect(push.stdout).not.toContain('cli-secret-header');
    const poll = await cli('streams', 'add', '--tenant', 'acme', '--id', 'cli-poll', '--poll', '--form', 'full');
    expect(poll.code).toBe(0);
    const credential = /^(ssfp_\S+)$/m.exec(poll.stdout)?.[1] ?? '';
    const url = (await getStream(stack.stack.db, 'acme', 'cli-poll')).delivery as Json;
    expect((await pollOnce(url.endpoint_url as string, credential, { returnImmediately: true })).status).toBe(200);
    const list = await cli('streams', 'list', '--tenant', 'acme');
    expect(list.stdout).toMatch(/^cli-push\tpush\thttps:\/\/vendor\.example\/e\tnotice$/m);
    expect(list.stdout).toMatch(/^cli-poll\tpoll\t\S+\/poll\tfull$/m);
    expect(list.stdout).not.toContain('ssfp_');
    expect((await cli('streams', 'remove', 'cli-push', '--tenant', 'acme')).code).toBe(0);
    expect((await cli('streams', 'remove', 'cli-push', '--tenant', 'acme')).code).toBe(3);
    expect((await cli('streams', 'add', '--tenant', 'acme', '--push', 'ftp://x', '--poll')).code).toBe(2);
  }, 180_000);

  it('tenants.json declares streams: the schema requires an id and refuses an Authorization header in the file', () => {
    const tenant = (eventStreams: unknown) => ({ tenants: [{ id: 't1', displayName: 'T', eventStreams }] });
    expect(parseTenantsFile(tenant([{ stream_id: 'a', delivery: { method: POLL } }]))[0]?.eventStreams).toHaveLength(1);
    expect(() => parseTenantsFile(tenant([{ delivery: { method: POLL } }]))).toThrow(/stream_id/);
    expect(() =>
      parseTenantsFile(
        tenant([{ stream_id: 'a', delivery: { method: PUSH, endpoint_url: 'https://x.example', authorization_header: 'Bearer s' } }]),
      ),
    ).toThrow();
    expect(() =>
      parseTenantsFile(
        tenant([
          { stream_id: 'a', delivery: { method: POLL } },
          { stream_id: 'a', delivery: { method: POLL } },
        ]),
      ),
    ).toThrow(/unique/);
  });

  it('declared streams are created once (a new poll stream’s credential returned once) and updated to the declaration on the next start', async () => {
    const declared = [{ stream_id: 'declared', delivery: { method: POLL as typeof POLL }, form: 'notice' as const }];
    const first = await applyDeclaredStreams(stack.stack.db, 'contoso', declared);
    expect(Object.keys(first)).toEqual(['declared']);
    const again = await applyDeclaredStreams(stack.stack.db, 'contoso', [{ ...declared[0]!, form: 'full' as const }]);
    expect(again).toEqual({});
    expect(await getStream(stack.stack.db, 'contoso', 'declared')).toMatchObject({ form: 'full' });
  });
  it('a poll stream declared for a deploy has no credential: its SETs wait and its poll URL refuses until `streams rotate` issues one, shown once', async () => {
    const declared = [{ stream_id: 'deployed', delivery: { method: POLL as typeof POLL } }];
    expect(await applyDeclaredStreams(stack.stack.db, 'contoso', declared, 'later')).toEqual({});
    const url = ((await getStream(stack.stack.db, 'contoso', 'deployed')).delivery as Json).endpoint_url as string;
    expect((await pollOnce(url, 'ssfp_anything', { returnImmediately: true })).status).toBe(401);
    const waiting = await call('contoso', 'POST', '/Users', { schemas: [USER], userName: 'waiting@contoso.example' });
    await stack.stack.drainStreams();
    expect((await pollOnce(url, 'ssfp_anything', { returnImmediately: true })).status).toBe(401);

    const first = await cli('streams', 'rotate', 'deployed', '--tenant', 'contoso');
    expect(first.code).toBe(0);
    const credential = /^(ssfp_\S+)$/m.exec(first.stdout)?.[1] ?? '';
    // The SET written before there was a credential is there for the first poll.
    const sets = (await drainByPoll(url, credential)).map((set) => decodeJwt(set) as Json);
    expect(sets.map(summary)).toContain(`User/${String(waiting.id)} create:notice`);

    // Issued again: a new one, the old one stops at once.
    const second = /^(ssfp_\S+)$/m.exec((await cli('streams', 'rotate', 'deployed', '--tenant', 'contoso')).stdout)?.[1] ?? '';
    expect(second).not.toBe(credential);
    expect((await pollOnce(url, credential, { returnImmediately: true })).status).toBe(401);
    expect((await pollOnce(url, second, { returnImmediately: true })).status).toBe(200);
    expect((await cli('streams', 'list', '--tenant', 'contoso')).stdout).not.toContain('ssfp_');
    // Five issued at once: each answered once, and exactly one of them works (the last written, as in some serial order).
    const racing = await Promise.all(Array.from({ length: 5 }, () => issuePollCredential(stack.stack.db, 'contoso', 'deployed')));
    const statuses = await Promise.all(
      [second, ...racing.map((issued) => issued.pollCredential ?? '')].map(
        async (each) => (await pollOnce(url, each, { returnImmediately: true })).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 401, 401, 401, 401, 401]);
    expect((await cli('streams', 'rotate', 'no-such-stream', '--tenant', 'contoso')).code).toBe(3);
  }, 120_000);
});

describe('admin API /admin/v1/tenants/{id}/event-streams', () => {
  const observations: Observation[] = [];
  const admin = adminCaller(() => stack, observations);

  it('creates, lists, reads, changes and deletes streams; a poll credential shows once; problems are RFC 9457', async () => {
    const created = await admin('POST', '/tenants/acme/event-streams', { stream_id: 'api-poll', delivery: { method: POLL } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/admin\/v1\/tenants\/acme\/event-streams\/api-poll$/);
    const credential = /^Bearer (ssfp_\S+)$/.exec(created.json.delivery.authorization_header as string)?.[1] ?? '';
    expect((await pollOnce(created.json.delivery.endpoint_url as string, credential, { returnImmediately: true })).status).toBe(200);
    const read = await admin('GET', '/tenants/acme/event-streams/api-poll');
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('ssfp_');
    const listed = await admin('GET', '/tenants/acme/event-streams');
    expect(listed.json.items.map((s: Json) => s.stream_id)).toContain('api-poll');
    expect(listed.text).not.toContain('ssfp_');
    const pushed = await admin('POST', '/tenants/acme/event-streams', {
      stream_id: 'api-push',
      delivery: { method: PUSH, endpoint_url: 'https://vendor.example/api', authorization_header: 'Bearer api-secret' },
    });
    expect(pushed.status).toBe(201);
    expect(pushed.text).not.toContain('api-secret');
    const changed = await admin('PATCH', '/tenants/acme/event-streams/api-push', { form: 'full' });
    expect(changed.json).toMatchObject({ form: 'full', delivery: { authorization_header_set: true } });
    // A new poll credential (the first of a stream a deploy declared, or a replacement): shown once, the old one stops.
    const reissued = await admin('POST', '/tenants/acme/event-streams/api-poll/poll-credential');
    expect(reissued.status).toBe(201);
    const next = /^Bearer (ssfp_\S+)$/.exec(reissued.json.delivery.authorization_header as string)?.[1] ?? '';
    expect(next).not.toBe(credential);
    expect((await pollOnce(created.json.delivery.endpoint_url as string, credential, { returnImmediately: true })).status).toBe(401);
    expect((await pollOnce(created.json.delivery.endpoint_url as string, next, { returnImmediately: true })).status).toBe(200);
    expect((await admin('GET', '/tenants/acme/event-streams/api-poll')).text).not.toContain('ssfp_');
    const forPush = await admin('POST', '/tenants/acme/event-streams/api-push/poll-credential');
    expect(forPush).toMatchObject({ status: 400, json: { type: expect.stringContaining('invalid-input') } });
    expect((await admin('POST', '/tenants/acme/event-streams/no-such/poll-credential')).status).toBe(404);
    expect((await admin('GET', '/tenants/acme/event-streams/api-push/dead-letters')).json).toEqual({ items: [] });
    expect((await admin('POST', '/tenants/acme/event-streams/api-push/redrive')).json).toEqual({ redriven: 0 });
    expect((await admin('POST', '/tenants/acme/event-streams', { stream_id: 'api-poll', delivery: { method: POLL } })).status).toBe(409);
    const invalid = await admin('POST', '/tenants/acme/event-streams', { delivery: { method: PUSH, endpoint_url: 'http://example.com' } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await admin('GET', '/tenants/nobody/event-streams')).status).toBe(404);
    expect((await admin('DELETE', '/tenants/acme/event-streams/api-push')).status).toBe(204);
    expect((await admin('DELETE', '/tenants/acme/event-streams/api-push')).status).toBe(404);
    const document = (await admin('GET', '/openapi.json')).json;
    expect(undeclared(document, observations)).toEqual([]);
    expect(unexercised(document, observations).filter((op) => op.includes('/event-streams'))).toEqual([]);
  });
});
