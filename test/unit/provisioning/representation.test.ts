import { checkIfMatch, etagOf, notModified, represent } from '../../../functions/provisioning/representation';
import { ScimError } from '../../../functions/scim/scim-error';
import type { StoredResource } from '../../../functions/store/resources';
import { defaultProfile as P } from '../../../functions/scim/scim-profile';

const stored: StoredResource = {
  id: 'u-1',
  resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-1', userName: 'ann' },
  version: 3,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-02T00:00:00.000Z',
};

describe('representation', () => {
  it('adds meta with location and a weak ETag', () => {
    const resource = represent(P, 'User', stored, 'https://api.example/tenants/acme/scim/v2');
    expect(resource).toMatchObject({
      id: 'u-1',
      userName: 'ann',
      meta: {
        resourceType: 'User',
        created: stored.created,
        lastModified: stored.lastModified,
        location: 'https://api.example/tenants/acme/scim/v2/Users/u-1',
        version: 'W/"3"',
      },
    });
  });

  it('builds one representation per read, for the filter, the sort and the response alike', () => {
    const read: StoredResource = structuredClone(stored);
    const base = 'https://api.example/tenants/acme/scim/v2';
    const first = represent(P, 'User', read, base);
    expect(represent(P, 'User', read, base)).toBe(first);
    // Another base URL (another stage or host) or another profile is another representation.
    expect(represent(P, 'User', read, 'https://other.example/scim/v2')).not.toBe(first);
    expect(represent(P, 'User', read, 'https://other.example/scim/v2').meta).toMatchObject({
      location: 'https://other.example/scim/v2/Users/u-1',
    });
    // Another read of the same item is built again: nothing outlives the objects a request read.
    expect(represent(P, 'User', structuredClone(stored), base)).not.toBe(represent(P, 'User', read, base));
  });

  it('puts extra attributes before meta and leaves the shared representation as it was', () => {
    const read: StoredResource = structuredClone(stored);
    const base = 'https://api.example/tenants/acme/scim/v2';
    const plain = represent(P, 'User', read, base);
    const withGroups = represent(P, 'User', read, base, { groups: [{ value: 'g-1' }] });
    expect(Object.keys(withGroups).slice(-2)).toEqual(['groups', 'meta']);
    expect(withGroups.meta).toEqual(plain.meta);
    expect(plain).not.toHaveProperty('groups');
  });

  it.each(['W/"3"', '"3"', '*', 'W/"1", W/"3"'])('If-Match %s matches version 3', (header) => {
    expect(() => checkIfMatch(header, stored)).not.toThrow();
  });

  it('answers 412 when If-Match names another version', () => {
    let status: number | undefined;
    try {
      checkIfMatch(etagOf(2), stored);
    } catch (error) {
      status = (error as ScimError).status;
    }
    expect(status).toBe(412);
  });

  it('If-None-Match is satisfied only by the current version', () => {
    expect(notModified('W/"3"', stored)).toBe(true);
    expect(notModified('W/"2"', stored)).toBe(false);
    expect(notModified(undefined, stored)).toBe(false);
  });
});
