/** Request bodies → stored resources; PUT replacement; projection; changed attributes. */
import { describe, expect, it } from '@jest/globals';
import { scimErrorOf as errorOf } from '../../support/scim-error';
import { parseAttributeList, projectResource } from '../../../functions/scim/projection';
import { changedAttributes } from '../../../functions/scim/resource/changes';
import { replaceResource } from '../../../functions/scim/resource/replace';
import { assertRequired, normalizeResource, parseResource } from '../../../functions/scim/resource/validate';
import { ENTERPRISE, GROUP, USER } from '../../support/urns';
import { defaultProfile as P } from '../../../functions/scim/scim-profile';
import { profileOf } from '../../../functions/tenants/profile-from-settings';

describe('parseResource', () => {
  it("accepts Entra's create form leniently and stores canonical shape", () => {
    const resource = parseResource(P, 'User', {
      schemas: [USER, ENTERPRISE],
      id: 'client-id',
      externalId: 'e1',
      UserName: 'Test_User@contoso.com',
      active: 'True',
      displayName: null,
      roles: [],
      meta: { resourceType: 'User' },
      emails: { Primary: 'true', type: 'work', value: 'a@contoso.com' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENTERPRISE]: { Department: 'Sales', manager: [{ $ref: null, value: 'm-1' }] },
      password: 'Pa55w0rd!',
    });
    expect(resource).toEqual({
      schemas: [USER, ENTERPRISE],
      externalId: 'e1',
      userName: 'Test_User@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'a@contoso.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'm-1' } },
    });
  });

  it('takes extension attributes as fully qualified top-level keys', () => {
    const resource = parseResource(P, 'User', { schemas: [USER], userName: 'u', [`${ENTERPRISE}:employeeNumber`]: '42' });
    expect(resource).toEqual({ schemas: [USER, ENTERPRISE], userName: 'u', [ENTERPRISE]: { employeeNumber: '42' } });
  });

  it('accepts the legacy group schema URNs and drops them', () => {
    const group = parseResource(P, 'Group', {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'],
      displayName: 'Group1DisplayName',
      members: [],
    });
    expect(group).toEqual({ schemas: [GROUP], displayName: 'Group1DisplayName' });
  });

  it.each([
    [{ userName: 'u' }, 'schemas'],
    [{ schemas: [GROUP], userName: 'u' }, 'schemas'],
    [{ schemas: [USER] }, 'userName'],
    [{ schemas: [USER], userName: 'u', shoeSize: 42 }, 'shoeSize'],
    [{ schemas: [USER], userName: 'u', active: 'maybe' }, 'active'],
    [{ schemas: [USER], userName: 'u', name: { nickname: 'x' } }, 'nickname'],
    [
      {
        schemas: [USER],
        userName: 'u',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: 'True' },
        ],
      },
      'primary',
    ],
    [{ schemas: [USER], userName: true }, 'userName'],
    [{ schemas: [USER], userName: 'u', manager: 5 }, 'manager'],
  ])('rejects %j with 400 invalidValue naming %s', (body, name) => {
    const error = errorOf(() => parseResource(P, 'User', body));
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain(name);
  });

  it('rejects a body that is not an object with invalidSyntax', () => {
    expect(errorOf(() => parseResource(P, 'User', [1, 2])).scimType).toBe('invalidSyntax');
  });

  it("enforces a tenant's required paths, value filters included", () => {
    const required = ['roles[primary eq "True"].value', `${ENTERPRISE}:organization`];
    const body = { schemas: [USER], userName: 'u', roles: [{ value: 'Reader', primary: 'False' }], [ENTERPRISE]: { organization: 'O' } };
    const tenant = profileOf({ requiredAttributes: { User: required } }).profile;
    expect(errorOf(() => parseResource(tenant, 'User', body)).message).toContain('roles[primary eq "True"].value');
    const fixed = { ...body, roles: [{ value: 'Reader', primary: 'True' }] };
    expect(() => parseResource(tenant, 'User', fixed)).not.toThrow();
    const phones = profileOf({ requiredAttributes: { User: ['phoneNumbers'] } }).profile;
    expect(errorOf(() => assertRequired(phones, 'User', { schemas: [USER], userName: 'u' })).message).toContain('phoneNumbers');
  });
});

describe('normalizeResource (after PATCH)', () => {
  it('keeps the id and lists only extensions that have values', () => {
    expect(normalizeResource(P, 'User', { schemas: [USER, ENTERPRISE], id: 'u1', userName: 'u', [ENTERPRISE]: {} })).toEqual({
      schemas: [USER],
      id: 'u1',
      userName: 'u',
    });
  });
});

describe('replaceResource (PUT)', () => {
  it('clears omitted attributes and keeps the id', () => {
    const existing = { schemas: [USER], id: 'u1', userName: 'u', displayName: 'D', title: 'T' };
    expect(replaceResource(P, 'User', existing, { schemas: [USER], userName: 'u', displayName: 'E' })).toEqual({
      schemas: [USER],
      id: 'u1',
      userName: 'u',
      displayName: 'E',
    });
  });
});

describe('projection', () => {
  const user = {
    schemas: [USER, ENTERPRISE],
    id: 'u1',
    userName: 'u',
    name: { givenName: 'G', familyName: 'F' },
    emails: [{ value: 'a@x', type: 'work' }],
    groups: [{ value: 'g1' }],
    [ENTERPRISE]: { department: 'D' },
    meta: { resourceType: 'User' },
  };

  it('returns what was asked plus the always-returned attributes', () => {
    expect(projectResource(P, 'User', user, { attributes: parseAttributeList(P, 'User', 'userName,name.givenName,unknownThing') })).toEqual(
      {
        schemas: [USER, ENTERPRISE],
        id: 'u1',
        userName: 'u',
        name: { givenName: 'G' },
      },
    );
  });

  it('leaves out excluded and request-only attributes', () => {
    const projected = projectResource(P, 'User', user, { excludedAttributes: parseAttributeList(P, 'User', 'emails,department,id') });
    expect(projected).toEqual({ schemas: user.schemas, id: 'u1', userName: 'u', name: user.name, meta: user.meta });
  });

  it('returns groups only when named', () => {
    expect(projectResource(P, 'User', user, { attributes: parseAttributeList(P, 'User', 'groups') }).groups).toEqual([{ value: 'g1' }]);
  });
});

describe('changedAttributes', () => {
  it('names top-level and extension attributes, ignoring bookkeeping', () => {
    const before = { schemas: [USER], id: 'u1', userName: 'u', active: true, meta: { version: 1 } };
    const after = { schemas: [USER, ENTERPRISE], id: 'u1', userName: 'u', active: false, [ENTERPRISE]: { department: 'D' } };
    expect(changedAttributes('User', before, after)).toEqual(['active', `${ENTERPRISE}:department`]);
  });
});

describe('repeated values of a multi-valued attribute', () => {
  const withEmails = (emails: object[]) => parseResource(P, 'User', { schemas: [USER], userName: 'r', emails });

  it('keeps one of each exact repeat, few or many (pairs compared up to 16, JSON text beyond)', () => {
    for (const count of [3, 40]) {
      const emails = Array.from({ length: count }, (_, i) => ({ value: `u${i % 2}@example.com`, type: 'work' }));
      expect(withEmails(emails).emails).toEqual([
        { value: 'u0@example.com', type: 'work' },
        { value: 'u1@example.com', type: 'work' },
      ]);
    }
  });

  it('keeps values that differ in any member, and repeats spelled in another case are one', () => {
    const emails = withEmails([
      { value: 'a@example.com', type: 'work' },
      { value: 'a@example.com', type: 'home' },
      { Value: 'a@example.com', TYPE: 'work' },
    ]).emails;
    expect(emails).toEqual([
      { value: 'a@example.com', type: 'work' },
      { value: 'a@example.com', type: 'home' },
    ]);
  });

  it('names the element and the sub-attribute of a value that does not fit', () => {
    expect(errorOf(() => withEmails([{ value: 'a@example.com' }, { value: 'b@example.com', primary: 'maybe' }]))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
      message: expect.stringContaining('"emails[1].primary": expected true or false'),
    });
    expect(errorOf(() => withEmails([{ value: 'a@example.com', colour: 'red' }]))).toMatchObject({
      scimType: 'invalidValue',
      message: expect.stringContaining('unknown sub-attribute "colour"'),
    });
  });
});
