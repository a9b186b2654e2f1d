/** Change events end to end: HTTP request → DynamoDB Local stream → publisher → RFC 9967 SET asserted. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PublishedEvent } from '../../functions/events/publish';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'acme';
const PROV = 'urn:ietf:params:scim:event:prov';

let stack: TestStack;
const events: PublishedEvent[] = [];
const request = (method: string, path: string, body?: unknown) => stack.request(T, method, path, body);
const call = async (method: string, path: string, body?: unknown) => (await request(method, path, body)).body as Json;
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

/** SETs about one resource, after the stream has caught up. */
async function eventsOf(id: string): Promise<PublishedEvent[]> {
  await stack.stack.drainStreams();
  return events.filter((e) => e.sub_id.id === id);
}

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T], events });
});
afterAll(async () => stack.stop());

describe('change events (RFC 9967 SETs)', () => {
  let userId: string;

  it('announces a create as a SET whose toe is the resource lastModified to the millisecond, with its ETag', async () => {
    const created = await request('POST', '/Users', {
      schemas: [USER],
      userName: 'pii.should.not.leak@example.com',
      displayName: 'Secret Name',
      externalId: 'ext-1',
    });
    const body = created.body as Json;
    userId = body.id as string;
    const [set, ...rest] = await eventsOf(userId);
    expect(rest).toEqual([]);
    expect(set).toMatchObject({
      iss: expect.any(String),
      jti: expect.any(String),
      txn: expect.any(String),
      iat: expect.any(Number),
      aud: [`/tenants/${T}/scim/v2`],
      sub_id: { format: 'scim', uri: `/Users/${userId}`, id: userId, externalId: 'ext-1' },
      events: {
        [`${PROV}:create:notice`]: {
          attributes: expect.arrayContaining(['userName', 'displayName']),
          version: created.headers.get('etag'),
        },
      },
      tenantId: T,
      resourceType: 'User',
    });
    expect(new Date((set?.toe ?? 0) * 1000).toISOString()).toBe(body.meta.lastModified);
  });

  it('names the changed attributes of an update, and deactivation as prov:deactivate, each with the new version', async () => {
    await call('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'displayName', value: 'Other Name' }));
    const deactivated = await request('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'active', value: false }));
    const [, update, deactivate] = await eventsOf(userId);
    expect(update?.events).toEqual({ [`${PROV}:patch:notice`]: { attributes: ['displayName'], version: 'W/"2"' } });
    expect(deactivate?.events).toEqual({ [`${PROV}:deactivate`]: { version: deactivated.headers.get('etag') } });
    // Two writes in quick succession: distinct times, not both rounded to the same minute.
    expect(new Date((deactivate?.toe ?? 0) * 1000).toISOString()).toBe((deactivated.body as Json).meta.lastModified);
  });

  it('announces a membership change as a patch of the group listing members, with the group version', async () => {
    const group = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Evented' });
    const removed = await request('PATCH', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: userId }] }));
    expect(removed.status).toBeLessThan(300);
    const after = await request('GET', `/Groups/${group.id}`);
    const sets = await eventsOf(group.id as string);
    expect(sets.map((s) => Object.keys(s.events))).toEqual([[`${PROV}:create:notice`], [`${PROV}:patch:notice`]]);
    // The member delta: who joined and who left (ids only in the notice form).
    expect(sets[1]?.events[`${PROV}:patch:notice`]).toEqual({
      attributes: ['members'],
      version: after.headers.get('etag'),
      members: { added: [userId], removed: [] },
    });
  });

  it('announces a delete', async () => {
    await request('DELETE', `/Users/${userId}`);
    const last = (await eventsOf(userId)).at(-1);
    expect(Object.keys(last?.events ?? {})).toEqual([`${PROV}:delete`]);
  });

  it('never carries attribute values in the notice form', () => {
    const text = JSON.stringify(events);
    expect(text).not.toContain('pii.should.not.leak');
    expect(text).not.toContain('Secret Name');
    expect(text).not.toContain('Other Name');
  });

  it('advertises the event URIs in ServiceProviderConfig (RFC 9967 §4)', async () => {
    const config = await call('GET', '/ServiceProviderConfig');
    expect(config.securityEvents).toEqual({
      asyncRequest: 'none',
      eventUris: [`${PROV}:create:notice`, `${PROV}:patch:notice`, `${PROV}:delete`, `${PROV}:activate`, `${PROV}:deactivate`],
    });
  });
});

describe('change events in the full form (SCIM_EVENT_FORM=full)', () => {
  const previous = process.env.SCIM_EVENT_FORM;
  beforeAll(() => {
    process.env.SCIM_EVENT_FORM = 'full';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.SCIM_EVENT_FORM;
    else process.env.SCIM_EVENT_FORM = previous;
  });

  it('carries the final representation in data, and advertises the :full URIs', async () => {
    const created = (await request('POST', '/Users', { schemas: [USER], userName: 'full.form@example.com', title: 'Replicated' }))
      .body as Json;
    const [set] = await eventsOf(created.id as string);
    expect(set?.events[`${PROV}:create:full`]).toEqual({
      data: expect.objectContaining({
        id: created.id,
        userName: 'full.form@example.com',
        title: 'Replicated',
        meta: expect.objectContaining({ version: 'W/"1"' }),
      }),
      version: 'W/"1"',
    });
    expect((await call('GET', '/ServiceProviderConfig')).securityEvents.eventUris).toContain(`${PROV}:create:full`);
  });
});
