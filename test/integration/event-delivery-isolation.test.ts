/**
 * Push delivery's isolation promises (docs/events.md "Push delivery"), over real HTTP to receivers on
 * loopback and DynamoDB Local: a resource whose head waits for a retry holds back its later SETs and
 * nothing else; a slow or dead receiver delays only its own stream (the local loop, and the AWS
 * driver's deliverAll); a SET still refused at the end of the stream's retry_period_hours becomes a
 * dead letter. The retry wait is made long (EVENTS_RETRY_BASE_MS = 10 min) so that "waiting for a
 * retry" is a fact for the whole test rather than a race; the test makes the waiting SET due by hand
 * when it wants the receiver to recover. Nothing is timed: each check is about what arrived, in which order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createStream, deadLetters, redriveStream, updateStream } from '../../functions/events/stream-service';
import { deliverAll } from '../../functions/events/delivery-sweep';
import { getEventStream, type StoredEventStream } from '../../functions/store/event-stream-items';
import { readPendingSets, recordRetry } from '../../functions/store/outbox-items';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { startSetReceiver, until, type ReceivedPush, type SetReceiver } from '../support/set-receiver';
import { PATCH_OP, USER } from '../support/urns';

const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';
const PROV = 'urn:ietf:params:scim:event:prov';
const LONG_RETRY_BASE_MS = '600000';

let stack: TestStack;
const receivers: SetReceiver[] = [];
const savedBase = process.env.EVENTS_RETRY_BASE_MS;
const savedPushTimeout = process.env.EVENTS_PUSH_TIMEOUT_MS;

const call = async (tenant: string, method: string, path: string, body?: unknown) => {
  const response = await stack.request(tenant, method, path, body);
  expect(response.status).toBeLessThan(300);
  return response.body as Json;
};
const rename = (tenant: string, id: string, displayName: string) =>
  call(tenant, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] });

async function receiver(): Promise<SetReceiver> {
  const started = await startSetReceiver();
  receivers.push(started);
  return started;
}

/** The resource id a pushed SET is about. */
const subject = (body: string) => (decodeJwt(body) as Json).sub_id.id as string;
/** `<event> <version number>` of a pushed SET, e.g. `patch:notice 3`. */
function event(body: string): string {
  const [uri, payload] = Object.entries((decodeJwt(body) as Json).events as Record<string, { version: string }>)[0] ?? [];
  return `${uri?.slice(PROV.length + 1)} ${Number(/\d+/.exec(payload?.version ?? '')?.[0])}`;
}
const version = (resource: Json) => Number(/\d+/.exec(resource.meta.version as string)?.[0]);

/** A user created and renamed `renames` times; returns its id and its versions in order. */
async function userWithVersions(tenant: string, name: string, renames: number): Promise<{ id: string; versions: number[] }> {
  const created = await call(tenant, 'POST', '/Users', { schemas: [USER], userName: `${name}@${tenant}.example` });
  const versions = [version(created)];
  for (let n = 1; n <= renames; n += 1) versions.push(version(await rename(tenant, created.id as string, `${name} ${n}`)));
  return { id: created.id as string, versions };
}

/** Makes the stream's SETs of `resource` that wait for a retry due now (the test's stand-in for 5–10 min passing). */
async function retryNow(tenant: string, streamId: string, resource: string): Promise<number> {
  const { sets } = await readPendingSets(stack.stack.db, tenant, streamId, 200);
  const waiting = sets.filter((set) => set.resource === resource && set.nextAttemptAt > Date.now());
  for (const set of waiting) await recordRetry(stack.stack.db, set, Date.now(), set.lastError ?? { status: 0 });
  return waiting.length;
}

/** The stream's pending SETs once none is left (a 202 is answered before the SET is deleted), or after 20 s. */
async function pendingAfterDelivery(tenant: string, streamId: string): Promise<unknown[]> {
  let sets: unknown[] = [];
  for (let tries = 0; tries < 200; tries += 1) {
    sets = (await readPendingSets(stack.stack.db, tenant, streamId, 200)).sets;
    if (sets.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return sets;
}

beforeAll(async () => {
  process.env.EVENTS_RETRY_BASE_MS = LONG_RETRY_BASE_MS;
  // A held POST must stay open until the test releases it, however busy the machine: 30 s, not 5 s.
  process.env.EVENTS_PUSH_TIMEOUT_MS = '30000';
  stack = await startTestStack({ tenants: ['held'] });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await stack.stop();
  if (savedBase === undefined) delete process.env.EVENTS_RETRY_BASE_MS;
  else process.env.EVENTS_RETRY_BASE_MS = savedBase;
  if (savedPushTimeout === undefined) delete process.env.EVENTS_PUSH_TIMEOUT_MS;
  else process.env.EVENTS_PUSH_TIMEOUT_MS = savedPushTimeout;
});

describe('a resource whose head waits for a retry holds back its later SETs and nothing else', () => {
  it("X's refused head holds back X only: the others' SETs all arrive meanwhile, and X's arrive in version order once it recovers", async () => {
    const push = await receiver();
    let refuseX = true;
    let x = '';
    push.answer = (received: ReceivedPush) => (refuseX && subject(received.body) === x ? { status: 503 } : { status: 202 });
    await stack.stack.drainStreams();
    await createStream(stack.stack.db, 'held', { stream_id: 'x-held', delivery: { method: PUSH, endpoint_url: push.url } });

    // X: created, its first push refused (its retry is now 5–10 min away); then renamed three times.
    const created = await call('held', 'POST', '/Users', { schemas: [USER], userName: 'x@held.example' });
    x = created.id as string;
    await until(() => push.received.some((p) => subject(p.body) === x), "X's first push");
    const xVersions = [version(created)];
    for (const n of [1, 2, 3]) xVersions.push(version(await rename('held', x, `X ${n}`)));

    // Y and Z, written after X's later SETs, each with several SETs (several rounds of a pass).
    const y = await userWithVersions('held', 'y', 2);
    const z = await userWithVersions('held', 'z', 1);
    const others = (p: string) => subject(p) === y.id || subject(p) === z.id;
    await until(() => push.accepted.filter(others).length === y.versions.length + z.versions.length, "Y's and Z's SETs while X waits");

    // Meanwhile X was posted once (its refused head) and none of its later SETs.
    const xPushes = () => push.received.filter((p) => subject(p.body) === x).map((p) => event(p.body));
    expect(xPushes()).toEqual([`create:notice ${xVersions[0]}`]);
    // Y's and Z's in their own version order, as they arrived.
    expect(push.accepted.filter((p) => subject(p) === y.id).map(event)).toEqual(
      y.versions.map((v, i) => `${i ? 'patch' : 'create'}:notice ${v}`),
    );
    expect(push.accepted.filter((p) => subject(p) === z.id).map(event)).toEqual(
      z.versions.map((v, i) => `${i ? 'patch' : 'create'}:notice ${v}`),
    );

    // X recovers: its retry comes due, and every X SET arrives after it in version order (as received, not sorted).
    refuseX = false;
    expect(await retryNow('held', 'x-held', `User/${x}`)).toBe(1);
    await until(() => push.accepted.filter((p) => subject(p) === x).length === xVersions.length, "X's SETs after recovery");
    expect(xPushes()).toEqual([
      `create:notice ${xVersions[0]}`,
      `create:notice ${xVersions[0]}`,
      ...xVersions.slice(1).map((v) => `patch:notice ${v}`),
    ]);
    expect(new Set(xVersions).size).toBe(4);
  }, 60_000);
});

describe('a slow or dead receiver delays only its own stream', () => {
  it("a receiver that holds every POST open and one that answers 503 do not hold back another stream's SETs", async () => {
    const live = await receiver();
    const dead = await receiver();
    dead.answer = () => ({ status: 503 });
    const slow = await receiver();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Every POST to the slow receiver stays open until the live stream has all its SETs (then 202).
    slow.answer = async () => {
      await released;
      return { status: 202 };
    };
    await stack.stack.drainStreams();
    for (const [streamId, target] of [
      ['slow', slow],
      ['dead', dead],
      ['live', live],
    ] as const) {
      await createStream(stack.stack.db, 'held', { stream_id: streamId, delivery: { method: PUSH, endpoint_url: target.url } });
    }
    // One SET first: the slow receiver holds its POST open, the dead one refuses it; only then the rest.
    const first = await call('held', 'POST', '/Users', { schemas: [USER], userName: 'first@held.example' });
    await until(() => slow.received.length === 1 && dead.received.length === 1, 'the first POST to each of the slow and dead receivers');
    const u = await userWithVersions('held', 'u', 2);
    const v = await userWithVersions('held', 'v', 1);
    const expected = 1 + u.versions.length + v.versions.length;

    await until(() => live.accepted.length === expected, "the live stream's SETs while the slow receiver holds its POST open");
    expect(subject(live.accepted[0] as string)).toBe(first.id);
    // Meanwhile the slow receiver answered nothing and the dead one only refused.
    expect(slow.received.length).toBeGreaterThan(0);
    expect(slow.accepted).toEqual([]);
    expect(dead.received.length).toBeGreaterThan(0);
    expect(dead.accepted).toEqual([]);

    // Released, the slow receiver's open POSTs are answered 202 within their timeout: each SET posted
    // once, none left pending (a POST that had timed out would wait 5-10 min for its retry).
    release();
    await until(() => slow.accepted.length === expected, "the slow stream's SETs");
    await until(() => slow.received.length === expected, 'no repeated POST');
    expect(new Set(slow.received.map((p) => (decodeJwt(p.body) as Json).jti)).size).toBe(expected);
    expect(await pendingAfterDelivery('held', 'slow')).toEqual([]);
    expect((await readPendingSets(stack.stack.db, 'held', 'dead', 200)).sets).toHaveLength(expected);
  }, 60_000);
});

describe('retry_period_hours', () => {
  it("a SET still refused when the stream's retry period ends becomes a dead letter with the SET itself and the last error", async () => {
    const refusing = await receiver();
    refusing.answer = (_push, index) => ({ status: index === 0 ? 503 : 502 });
    const later = await receiver();
    await stack.stack.drainStreams();
    // A retry period of about 1 s (0.0003 h); the retry wait (10 min here) is cut short to the period's end.
    await createStream(stack.stack.db, 'held', {
      stream_id: 'expiry',
      retry_period_hours: 0.0003,
      delivery: { method: PUSH, endpoint_url: refusing.url },
    });
    const user = await call('held', 'POST', '/Users', { schemas: [USER], userName: 'expiry@held.example' });
    let dead: Json[] = [];
    for (let tries = 0; dead.length === 0 && tries < 200; tries += 1) {
      dead = await deadLetters(stack.stack.db, 'held', 'expiry', true);
      if (dead.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Refused (503), retried when the period ended, refused again (502): dead after the second attempt, not at once.
    expect(dead).toEqual([expect.objectContaining({ attempts: 2, error: { status: 502 }, resource: `User/${user.id}` })]);
    expect(refusing.received.map((p) => (decodeJwt(p.body) as Json).jti)).toEqual([dead[0]?.jti, dead[0]?.jti]);
    expect(decodeJwt(dead[0]?.set as string)).toMatchObject({ jti: dead[0]?.jti, sub_id: { id: user.id } });
    expect(await pendingAfterDelivery('held', 'expiry')).toEqual([]);
    // Not lost: redriven to a receiver that answers, it arrives with the same jti.
    await updateStream(stack.stack.db, 'held', 'expiry', { delivery: { method: PUSH, endpoint_url: later.url } });
    expect(await redriveStream(stack.stack.db, 'held', 'expiry')).toBe(1);
    await until(() => later.accepted.length === 1, 'the redriven SET');
    expect(decodeJwt(later.accepted[0] as string).jti).toBe(dead[0]?.jti);
  }, 60_000);
});

describe("the AWS delivery function's driver (deliverAll): one pass per stream, side by side", () => {
  it("a receiver holding its POST open does not hold back another stream's pass in the same invocation", async () => {
    const live = await receiver();
    const slow = await receiver();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    slow.answer = async () => {
      await released;
      return { status: 202 };
    };
    await stack.stack.drainStreams();
    // Stored as poll streams so that the local delivery loop leaves them alone; handed to deliverAll as
    // push streams to these receivers (the same outbox, lease and pass the delivery function runs).
    for (const streamId of ['sweep-slow', 'sweep-live'])
      await createStream(stack.stack.db, 'held', { stream_id: streamId, delivery: { method: POLL } });
    const w = await userWithVersions('held', 'w', 2);
    await stack.stack.drainStreams();
    const asPush = async (streamId: string, url: string): Promise<StoredEventStream> => ({
      ...((await getEventStream(stack.stack.db, 'held', streamId)) as StoredEventStream),
      method: 'push',
      endpointUrl: url,
    });
    const streams = [await asPush('sweep-slow', slow.url), await asPush('sweep-live', live.url)];
    const sweep = deliverAll(stack.stack.db, streams, { deadline: Date.now() + 30_000 });
    // The slow stream's pass holds its first POST open until the live stream's pass has delivered all.
    await until(() => live.accepted.length === w.versions.length, "the live stream's SETs while the slow pass waits");
    expect(slow.accepted).toEqual([]);
    release();
    const [slowPass, livePass] = await sweep;
    expect(livePass).toMatchObject({ ran: true, delivered: w.versions.length, retried: 0 });
    expect(slowPass).toMatchObject({ ran: true, delivered: w.versions.length, retried: 0, dead: 0 });
    expect(live.accepted.map(event)).toEqual(w.versions.map((v, i) => `${i ? 'patch' : 'create'}:notice ${v}`));
  }, 60_000);
});
