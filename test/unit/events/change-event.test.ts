/** Stream records → RFC 9967 SET claim sets (notice and full forms). */
import { describe, expect, it } from '@jest/globals';
import { eventUrisOf, securityEventFor, type ItemChange } from '../../../functions/events/change-event';

const PROV = 'urn:ietf:params:scim:event:prov';
const user = (resource: Record<string, unknown>, version: number, lastModified = '2026-01-01T10:20:30.456Z') => ({
  PK: 'TENANT#acme',
  SK: 'USER#u1',
  entity: 'User',
  tenantId: 'acme',
  id: 'u1',
  version,
  lastModified,
  resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', ...resource },
});
const group = (version: number) => ({ ...user({ displayName: 'G' }, version), entity: 'Group', SK: 'GROUP#g1', id: 'g1' });
const membership = { entity: 'Membership', tenantId: 'acme', groupId: 'g1', userId: 'u1', PK: 'x', SK: 'y' };
// DynamoDB rounds ApproximateCreationDateTime: the record's own time has no milliseconds.
const timestamp = '2026-01-01T10:20:00.000Z';
const notice = { form: 'notice', issuer: 'https://scim.example.com', now: 1_767_263_000_000 } as const;
const change = (c: Omit<ItemChange, 'timestamp' | 'recordId'>): ItemChange => ({ timestamp, recordId: 'rec-1', ...c });

describe('RFC 9967 security events', () => {
  it('a new user is one SET: sub_id of format scim, a create notice with attribute names and the version, no values', () => {
    const set = securityEventFor(change({ eventName: 'INSERT', newImage: user({ userName: 'ann@x', externalId: 'ann' }, 1) }), notice);
    expect(set).toEqual({
      iss: 'https://scim.example.com',
      jti: 'rec-1',
      iat: 1_767_263_000,
      toe: Date.parse('2026-01-01T10:20:30.456Z') / 1000,
      txn: 'rec-1',
      aud: ['/tenants/acme/scim/v2'],
      sub_id: { format: 'scim', uri: '/Users/u1', id: 'u1', externalId: 'ann' },
      events: { [`${PROV}:create:notice`]: { attributes: ['externalId', 'id', 'userName'], version: 'W/"1"' } },
      tenantId: 'acme',
      resourceType: 'User',
    });
    expect(JSON.stringify(set)).not.toContain('ann@x');
  });

  it('the time of event keeps milliseconds (the resource lastModified), not the rounded record time', () => {
    const set = securityEventFor(
      change({ eventName: 'MODIFY', oldImage: user({ title: 'a' }, 1), newImage: user({ title: 'b' }, 2) }),
      notice,
    );
    expect(new Date((set?.toe ?? 0) * 1000).toISOString()).toBe('2026-01-01T10:20:30.456Z');
  });

  it('deactivation is urn:ietf:params:scim:event:prov:deactivate (RFC 9967 §2.4.6), with the version', () => {
    const set = securityEventFor(
      change({ eventName: 'MODIFY', oldImage: user({ active: true }, 1), newImage: user({ active: false }, 2) }),
      notice,
    );
    expect(set?.events).toEqual({ [`${PROV}:deactivate`]: { version: 'W/"2"' } });
    const back = securityEventFor(
      change({ eventName: 'MODIFY', oldImage: user({ active: false }, 2), newImage: user({ active: true }, 3) }),
      notice,
    );
    expect(back?.events).toEqual({ [`${PROV}:activate`]: { version: 'W/"3"' } });
  });

  it('attribute changes and deactivation in one write are one SET with two event URIs', () => {
    const set = securityEventFor(
      change({ eventName: 'MODIFY', oldImage: user({ active: true }, 1), newImage: user({ title: 'Gone', active: false }, 2) }),
      notice,
    );
    expect(set?.events).toEqual({
      [`${PROV}:patch:notice`]: { attributes: ['title'], version: 'W/"2"' },
      [`${PROV}:deactivate`]: { version: 'W/"2"' },
    });
  });

  it('a delete is prov:delete without payload attributes, carrying the version deleted', () => {
    const set = securityEventFor(change({ eventName: 'REMOVE', oldImage: user({ userName: 'a' }, 3, '2026-01-01T10:19:00.250Z') }), notice);
    expect(set?.events).toEqual({ [`${PROV}:delete`]: { version: 'W/"3"' } });
    expect(set?.toe).toBe(Date.parse(timestamp) / 1000);
  });

  it("a group's version bump without attribute changes is a membership change: patch notice listing members", () => {
    const set = securityEventFor(change({ eventName: 'MODIFY', oldImage: group(4), newImage: group(5) }), notice);
    expect(set?.sub_id.uri).toBe('/Groups/g1');
    expect(set?.events).toEqual({ [`${PROV}:patch:notice`]: { attributes: ['members'], version: 'W/"5"' } });
  });

  it('the full form carries the final representation as data instead of attribute names', () => {
    const set = securityEventFor(change({ eventName: 'INSERT', newImage: user({ userName: 'ann@x' }, 1) }), { ...notice, form: 'full' });
    expect(set?.events).toEqual({
      [`${PROV}:create:full`]: {
        data: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          id: 'u1',
          userName: 'ann@x',
          meta: { resourceType: 'User', lastModified: '2026-01-01T10:20:30.456Z', version: 'W/"1"' },
        },
        version: 'W/"1"',
      },
    });
  });

  it('membership, tenant, token and uniqueness items are not resources: no SET', () => {
    expect(securityEventFor(change({ eventName: 'INSERT', newImage: membership }), notice)).toBeUndefined();
    expect(
      securityEventFor(change({ eventName: 'INSERT', newImage: { entity: 'UniqueValue', tenantId: 'acme', ownerId: 'u1' } }), notice),
    ).toBeUndefined();
    expect(securityEventFor(change({ eventName: 'INSERT', newImage: { entity: 'Tenant', tenantId: 'acme' } }), notice)).toBeUndefined();
  });

  it('advertises exactly the URIs it emits', () => {
    expect(eventUrisOf('notice')).toEqual([
      `${PROV}:create:notice`,
      `${PROV}:patch:notice`,
      `${PROV}:delete`,
      `${PROV}:activate`,
      `${PROV}:deactivate`,
    ]);
  });
});
