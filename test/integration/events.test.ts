/** Change events end to end: HTTP request → DynamoDB Local stream → publisher → event asserted. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PublishedEvent } from '../../functions/events/publish';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const T = 'acme';

let stack: TestStack;
const events: PublishedEvent[] = [];
const call = async (method: string, path: string, body?: unknown) => (await stack.request(T, method, path, body)).body as Json;
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

/** Events about one resource, after the stream has caught up. */
async function eventsOf(id: string): Promise<PublishedEvent[]> {
  await stack.stack.drainStreams();
  return events.filter((e) => e.id === id || e.memberId === id);
}

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T], events });
});
afterAll(async () => stack.stop());

describe('change events', () => {
  let userId: string;

  it('announces a create with the new version', async () => {
    userId = (await call('POST', '/Users', { schemas: [USER], userName: 'pii.should.not.leak@example.com', displayName: 'Secret Name' })).id as string;
    expect(await eventsOf(userId)).toEqual([
      expect.objectContaining({
        eventUri: 'urn:ietf:params:scim:event:prov:create:notice',
        change: 'create',
        tenantId: T,
        resourceType: 'User',
        id: userId,
        version: 1,
        eventId: expect.any(String),
        timestamp: expect.any(String),
      }),
    ]);
  });

  it('names the changed attributes of an update, and deactivation separately', async () => {
    await call('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'displayName', value: 'Other Name' }));
    await call('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'active', value: 'False' }));
    const [, update, deactivate] = await eventsOf(userId);
    expect(update).toMatchObject({ eventUri: 'urn:ietf:params:scim:event:prov:patch:notice', change: 'update', attributes: ['displayName'], version: 2 });
    expect(deactivate).toMatchObject({ eventUri: 'urn:ietf:params:scim:event:misc:deactivate', change: 'deactivate', version: 3 });
  });

  it('announces membership changes with the member id', async () => {
    const group = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Evented', members: [{ value: userId }] });
    await call('PATCH', `/Groups/${group.id}`, patch({ op: 'remove', path: `members[value eq "${userId}"]` }));
    const changes = (await eventsOf(group.id as string)).map((e) => [e.change, e.memberId]);
    expect(changes).toEqual(expect.arrayContaining([['create', undefined], ['memberAdd', userId], ['memberRemove', userId]]));
  });

  it('announces a delete', async () => {
    await stack.request(T, 'DELETE', `/Users/${userId}`);
    const last = (await eventsOf(userId)).at(-1);
    expect(last).toMatchObject({ eventUri: 'urn:ietf:params:scim:event:prov:delete', change: 'delete', id: userId });
  });

  it('never carries attribute values', () => {
    const text = JSON.stringify(events);
    expect(text).not.toContain('pii.should.not.leak');
    expect(text).not.toContain('Secret Name');
    expect(text).not.toContain('Other Name');
  });
});
