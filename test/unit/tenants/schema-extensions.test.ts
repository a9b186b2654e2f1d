/** tenants.json `settings.schemaExtensions`: validation messages and the per-tenant registry they build. */
import { describe, expect, it } from '@jest/globals';
import { registryOf, tenantSettingsSchema } from '../../../functions/tenants/settings-schema';
import { loadTenantsFile, parseTenantsFile } from '../../../functions/tenants/tenants-file';
import { changedAttributes } from '../../../functions/scim/resource/changes';
import { profileOf } from '../../../functions/tenants/profile-from-settings';
import { parseResource } from '../../../functions/scim/resource/validate';
import { applyPatch } from '../../../functions/scim/patch/apply';
import { parsePatchBody } from '../../../functions/scim/patch/operations';
import { standardRegistry } from '../../../functions/scim/schema/registry';
import { ENTERPRISE, PATCH_OP, USER } from '../../support/urns';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

const fileWith = (extension: Record<string, unknown>, id = 'acme') => ({
  tenants: [{ id, displayName: 'Acme', settings: { schemaExtensions: [extension] } }],
});
const failureOf = (json: unknown): string => {
  try {
    parseTenantsFile(json);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
};
const issue = { id: ACME, resourceType: 'User', attributes: [{ name: 'licenseTier' }] };

describe('schema extension declarations', () => {
  it("accepts the issue's example and fills RFC 7643 §7 defaults", () => {
    const [tenant] = parseTenantsFile(
      fileWith({
        ...issue,
        attributes: [
          { name: 'seats', type: 'integer' },
          { name: 'office', type: 'complex', subAttributes: [{ name: 'floor', type: 'integer' }] },
        ],
      }),
    );
    const seats = tenant?.settings.schemaExtensions[0]?.attributes[0];
    expect(seats).toEqual({
      name: 'seats',
      type: 'integer',
      multiValued: false,
      description: '',
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
  });

  it.each([
    ['a malformed URN', { ...issue, id: 'acme:User' }, 'settings.schemaExtensions[0].id'],
    ['a URN ending in ":"', { ...issue, id: 'urn:acme:User:' }, 'settings.schemaExtensions[0].id'],
    ['an RFC 7643 URN', { ...issue, id: ENTERPRISE }, 'is an RFC 7643 schema'],
    ['an unsupported type', { ...issue, attributes: [{ name: 'x', type: 'float' }] }, 'settings.schemaExtensions[0].attributes[0].type'],
    [
      'an unknown characteristic',
      { ...issue, attributes: [{ name: 'x', multivalued: true }] },
      'settings.schemaExtensions[0].attributes[0]',
    ],
    ['uniqueness global', { ...issue, attributes: [{ name: 'x', uniqueness: 'global' }] }, '"global" is not supported'],
    ['a duplicate name', { ...issue, attributes: [{ name: 'x' }, { name: 'X' }] }, 'duplicate attribute name "X"'],
    ['a core-clashing name', { ...issue, attributes: [{ name: 'userName' }] }, '"userName" is already an attribute of every User'],
    ['a clash with a common attribute', { ...issue, attributes: [{ name: 'externalId' }] }, '"externalId" is already'],
    ['a bad attribute name', { ...issue, attributes: [{ name: 'seat count' }] }, 'attributes[0].name'],
    ['complex without subAttributes', { ...issue, attributes: [{ name: 'office', type: 'complex' }] }, 'needs subAttributes'],
    [
      'two levels of complex',
      { ...issue, attributes: [{ name: 'o', type: 'complex', subAttributes: [{ name: 'p', type: 'complex' }] }] },
      'cannot be complex',
    ],
    ['a resource type other than User or Group', { ...issue, resourceType: 'Device' }, 'resourceType is "User" or "Group"'],
    [
      'server uniqueness on an integer',
      { ...issue, attributes: [{ name: 'n', type: 'integer', uniqueness: 'server' }] },
      'single-valued string',
    ],
  ])('refuses %s, naming the tenant and the path', (_what, extension, expected) => {
    const message = failureOf(fileWith(extension));
    expect(message).toContain('tenant "acme"');
    expect(message).toContain(expected);
  });

  it('refuses two extensions with one id, and required paths the schemas do not define', () => {
    expect(failureOf({ tenants: [{ id: 'acme', displayName: 'A', settings: { schemaExtensions: [issue, issue] } }] })).toContain(
      'duplicate schema id',
    );
    const message = failureOf({
      tenants: [{ id: 'acme', displayName: 'A', settings: { requiredAttributes: { User: [`${ACME}:nope`] } } }],
    });
    expect(message).toContain('tenant "acme": settings.requiredAttributes.User[0]');
    expect(() =>
      tenantSettingsSchema.parse({ schemaExtensions: [issue], requiredAttributes: { User: [`${ACME}:licenseTier`] } }),
    ).not.toThrow();
  });
});

describe('the per-tenant registry', () => {
  const settings = tenantSettingsSchema.parse({
    schemaExtensions: [
      {
        ...issue,
        attributes: [{ name: 'licenseTier' }, { name: 'costCode', uniqueness: 'server', caseExact: true }, { name: 'department' }],
      },
    ],
  });
  const registry = registryOf(settings);

  it('adds the extension to the User resource type only, after the enterprise extension', () => {
    expect(registry.extensionUrnsOf('User')).toEqual([ENTERPRISE, ACME]);
    expect(registry.extensionUrnsOf('Group')).toEqual([]);
    expect(standardRegistry.extensionUrnsOf('User')).toEqual([ENTERPRISE]);
  });

  it('resolves names case-insensitively, qualified or bare (the first extension wins a shared name)', () => {
    expect(registry.resolvePath('User', `${ACME.toUpperCase()}:LICENSETIER`)?.path).toBe(`${ACME}:licenseTier`);
    expect(registry.qualifyPath('User', 'licenseTier')).toBe(`${ACME}:licenseTier`);
    expect(registry.qualifyPath('User', 'department')).toBe(`${ENTERPRISE}:department`);
    expect(registry.resolvePath('User', `${ACME}:department`)?.schema).toBe(ACME);
    expect(standardRegistry.resolvePath('User', `${ACME}:licenseTier`)).toBeUndefined();
  });

  it('memoizes lookups per registry instance', () => {
    expect(registry.resolvePath('User', 'userName')).toBe(registry.resolvePath('User', 'userName'));
    expect(registryOf(settings).resolvePath('User', 'userName')).not.toBe(registry.resolvePath('User', 'userName'));
  });

  it('lists server-unique extension attributes next to userName', () => {
    expect(registry.uniqueAttributesOf('User').map((u) => u.name)).toEqual(['userName', `${ACME}:costCode`]);
    // externalId: RFC 7643's `none` by default, still key-backed (shared index items); `server` on request.
    expect(registry.keyedAttributesOf('User').map((u) => [u.name, u.shared])).toEqual([
      ['userName', false],
      [`${ACME}:costCode`, false],
      ['externalId', true],
    ]);
    const strict = registryOf(tenantSettingsSchema.parse({ externalIdUniqueness: 'server' }));
    expect(strict.uniqueAttributesOf('User').map((u) => u.name)).toEqual(['externalId', 'userName']);
  });

  it('ignores unknown attributes when told to, reporting names and never values', () => {
    const names: string[][] = [];
    const { profile } = profileOf({ unknownAttributes: 'ignore' }, (ignored) => names.push([...ignored]));
    const resource = parseResource(profile, 'User', {
      schemas: [USER],
      userName: 'u',
      favoriteColor: 'secret-blue',
      name: { givenName: 'A', nick: 'secret-n' },
    });
    expect(resource).toEqual({ schemas: [USER], userName: 'u', name: { givenName: 'A' } });
    applyPatch(
      profile,
      'User',
      resource,
      parsePatchBody(profile, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'shoeSize', value: 'secret-44' }] }),
    );
    expect(names).toEqual([['favoriteColor', 'name.nick'], ['shoeSize']]);
    expect(JSON.stringify(names)).not.toContain('secret');
  });
});

describe('files and events', () => {
  it('accepts the repository tenants.json and the extension example npm start is shown with', () => {
    expect(loadTenantsFile('tenants.json').length).toBeGreaterThan(0);
    const [acme] = loadTenantsFile('examples/tenants-with-extension.json');
    expect(acme?.settings.schemaExtensions[0]?.id).toBe(ACME);
  });

  it('names changed extension attributes as <urn>:<attribute> in change events, with no registry needed', () => {
    const before = { schemas: [USER, ACME], userName: 'u', [ACME]: { seats: 1, tier: 'pro' } };
    const after = { schemas: [USER, ACME], userName: 'u', [ACME]: { seats: 2, tier: 'pro', region: 'EU' } };
    expect(changedAttributes('User', before, after)).toEqual([`${ACME}:region`, `${ACME}:seats`]);
  });
});
