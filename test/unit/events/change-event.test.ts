import { changeEventsFor, EVENT_URIS } from '../../../functions/events/change-event';

const user = (resource: Record<string, unknown>, version: number) => ({
  PK: 'TENANT#acme',
  SK: 'USER#u1',
  entity: 'User',
  tenantId: 'acme',
  id: 'u1',
  version,
  lastModified: '2026-01-01T00:00:00.000Z',
  resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', ...resource },
});
const membership = { entity: 'Membership', tenantId: 'acme', groupId: 'g1', userId: 'u1', PK: 'x', SK: 'y' };
const timestamp = '2026-01-01T00:00:00.000Z';

describe('change events', () => {
  it('a new user is a create notice listing its attributes, without values', () => {
    const [event, ...rest] = changeEventsFor({ eventName: 'INSERT', newImage: user({ userName: 'ann@x' }, 1), timestamp });
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ eventUri: EVENT_URIS.create, change: 'create', tenantId: 'acme', resourceType: 'User', id: 'u1', version: 1 });
    expect(event?.attributes).toContain('userName');
    expect(JSON.stringify(event)).not.toContain('ann@x');
  });

  it('deactivation alone is a deactivate event', () => {
    const events = changeEventsFor({
      eventName: 'MODIFY',
      oldImage: user({ userName: 'a', active: true }, 1),
      newImage: user({ userName: 'a', active: false }, 2),
      timestamp,
    });
    expect(events.map((e) => e.eventUri)).toEqual([EVENT_URIS.deactivate]);
    expect(events[0]?.attributes).toEqual(['active']);
  });

  it('deactivation with other changes is a patch notice without `active`, plus a deactivate event', () => {
    const events = changeEventsFor({
      eventName: 'MODIFY',
      oldImage: user({ userName: 'a', active: true }, 1),
      newImage: user({ userName: 'a', title: 'Gone', active: false }, 2),
      timestamp,
    });
    expect(events.map((e) => [e.eventUri, e.attributes])).toEqual([
      [EVENT_URIS.patch, ['title']],
      [EVENT_URIS.deactivate, ['active']],
    ]);
  });

  it('a delete is a delete event', () => {
    expect(changeEventsFor({ eventName: 'REMOVE', oldImage: user({ userName: 'a' }, 3), timestamp })).toEqual([
      { eventUri: EVENT_URIS.delete, change: 'delete', tenantId: 'acme', resourceType: 'User', id: 'u1', attributes: [], timestamp },
    ]);
  });

  it('membership items become member add/remove events on the group; a re-add is silent', () => {
    expect(changeEventsFor({ eventName: 'INSERT', newImage: membership, timestamp })[0]).toMatchObject({
      change: 'memberAdd', resourceType: 'Group', id: 'g1', memberId: 'u1', attributes: ['members'],
    });
    expect(changeEventsFor({ eventName: 'REMOVE', oldImage: membership, timestamp })[0]).toMatchObject({ change: 'memberRemove' });
    expect(changeEventsFor({ eventName: 'MODIFY', oldImage: membership, newImage: membership, timestamp })).toEqual([]);
  });

  it('a version bump without attribute changes (membership touch) emits nothing itself', () => {
    expect(changeEventsFor({ eventName: 'MODIFY', oldImage: user({ userName: 'a' }, 1), newImage: user({ userName: 'a' }, 2), timestamp })).toEqual([]);
  });

  it('tenant, token and uniqueness items emit nothing', () => {
    expect(changeEventsFor({ eventName: 'INSERT', newImage: { entity: 'UniqueValue', tenantId: 'acme', ownerId: 'u1' }, timestamp })).toEqual([]);
    expect(changeEventsFor({ eventName: 'INSERT', newImage: { entity: 'Tenant', tenantId: 'acme' }, timestamp })).toEqual([]);
  });
});
