/**
 * Each Entra rule (functions/scim/dialect/entra.ts), named after it and its source: accepted by the
 * `entra` and `tolerant` dialects, answered as RFC 7643/7644 do by `strict`.
 */
import { describe, expect, it } from '@jest/globals';
import * as entra from '../../../functions/scim/dialect/entra';
import type { ScimResource } from '../../../functions/scim/schema/types';
import { scimErrorOf } from '../../support/scim-error';
import { ENTERPRISE, GROUP, USER } from '../../support/urns';
import { under } from './rules';

const lenient = [under('entra'), under('tolerant')];
const strict = under('strict');
const user = (extra: object = {}): ScimResource => ({ schemas: [USER], id: 'u1', userName: 'jyoung@example.com', ...extra });

describe(`${entra.capitalisedPatchOps.name} (${entra.ENTRA_KNOWN_ISSUES}, default job)`, () => {
  it.each(lenient)('reads "Replace" as replace', ({ operations }) => {
    expect(operations({ op: 'Replace', path: 'displayName', value: 'Joy' })).toEqual([
      { op: 'replace', path: 'displayName', value: 'Joy' },
    ]);
  });
  it('strict: op is one of "add", "remove", "replace" (RFC 7644 §3.5.2)', () => {
    expect(scimErrorOf(() => strict.operations({ op: 'Replace', path: 'displayName', value: 'Joy' }))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    expect(strict.operations({ op: 'replace', path: 'displayName', value: 'Joy' })[0]?.op).toBe('replace');
  });
});

describe(`${entra.booleansAsStrings.name} (${entra.ENTRA_KNOWN_ISSUES}: "value": "False")`, () => {
  it.each(lenient)('stores "False" as false and filters on "True"', ({ patch, create, matches }) => {
    expect(patch('User', user({ active: true }), { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(create('User', { schemas: [USER], userName: 'a', active: 'True' }).active).toBe(true);
    const withRole = user({ roles: [{ value: 'Admin', primary: true }] });
    expect(matches('User', 'roles[primary eq "True"]', withRole)).toBe(true);
  });
  it('strict: a boolean is true or false (RFC 7643 §2.3.2)', () => {
    expect(scimErrorOf(() => strict.create('User', { schemas: [USER], userName: 'a', active: 'True' }))).toMatchObject({
      scimType: 'invalidValue',
    });
    expect(scimErrorOf(() => strict.patch('User', user(), { op: 'replace', path: 'active', value: 'False' }))).toMatchObject({
      scimType: 'invalidValue',
    });
    expect(scimErrorOf(() => strict.matches('User', 'active eq "True"', user()))).toMatchObject({ scimType: 'invalidFilter' });
  });
});

describe(`${entra.emptyValueClears.name} (${entra.ENTRA_VALIDATION_TESTS}: SCIM_Update_Manager_Test)`, () => {
  const managed = () => user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'm1' }, department: 'Ops' } });
  it.each(lenient)('{"value": ""} and "" clear the manager', ({ patch }) => {
    expect(patch('User', managed(), { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '' } })[ENTERPRISE]).toEqual({
      department: 'Ops',
    });
    expect(patch('User', managed(), { op: 'replace', path: `${ENTERPRISE}:manager`, value: '' })[ENTERPRISE]).toEqual({
      department: 'Ops',
    });
  });
  it.each(lenient)('"" clears an optional attribute, and a later null keeps it cleared (SCIM_Null_Update_Test)', ({ patch }) => {
    const cleared = patch('User', user({ title: 'Dr', nickName: 'Jo' }), { op: 'Replace', path: 'title', value: '' });
    expect(cleared.title).toBeUndefined();
    expect(cleared.nickName).toBe('Jo');
    expect(patch('User', cleared, { op: 'Replace', path: 'title', value: null }).title).toBeUndefined();
  });
  it('strict: "" is a value, not "unassigned" (RFC 7643 §2.5)', () => {
    expect(strict.patch('User', user({ title: 'Dr' }), { op: 'replace', path: 'title', value: '' }).title).toBe('');
    const next = strict.patch('User', managed(), { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '' } });
    expect(next[ENTERPRISE]).toEqual({ manager: { value: '' }, department: 'Ops' });
  });
});

describe(`${entra.singleValueInArray.name} (${entra.ENTRA_SCIM_TUTORIAL}: "manager": [{"value": …}])`, () => {
  it.each(lenient)('reads a one-element array as the single value', ({ patch }) => {
    const next = patch('User', user(), { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'm1' }] });
    expect(next[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
  });
  it('strict: a single-valued attribute is not an array (RFC 7643 §2.4)', () => {
    expect(
      scimErrorOf(() => strict.patch('User', user(), { op: 'add', path: `${ENTERPRISE}:manager`, value: [{ value: 'm1' }] })),
    ).toMatchObject({ scimType: 'invalidValue' });
    expect(
      scimErrorOf(() =>
        strict.create('User', { schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { manager: [{ value: 'm1' }] } }),
      ),
    ).toMatchObject({ scimType: 'invalidValue' });
  });
});

describe(`${entra.bareStringIsValue.name} (${entra.ENTRA_VALIDATION_TESTS}: manager as a bare id)`, () => {
  it.each(lenient)('reads "m1" as {"value": "m1"}', ({ patch }) => {
    expect(patch('User', user(), { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'm1' })[ENTERPRISE]).toEqual({
      manager: { value: 'm1' },
    });
  });
  it('strict: a complex attribute is an object (RFC 7643 §2.3.8)', () => {
    expect(scimErrorOf(() => strict.patch('User', user(), { op: 'add', path: `${ENTERPRISE}:manager`, value: 'm1' }))).toMatchObject({
      scimType: 'invalidValue',
    });
  });
});

describe(`${entra.unmatchedFilterCreates.name} (${entra.ENTRA_KNOWN_ISSUES}: emails[type eq "work"].value)`, () => {
  it.each(lenient)('creates the element the filter describes', ({ patch }) => {
    expect(patch('User', user(), { op: 'Replace', path: 'emails[type eq "work"].value', value: 'j@x' }).emails).toEqual([
      { type: 'work', value: 'j@x' },
    ]);
  });
  it('strict: a valuePath that matches no record is 400 noTarget (RFC 7644 §3.5.2.3)', () => {
    const withEmail = user({ emails: [{ type: 'work', value: 'j@x' }] });
    expect(
      scimErrorOf(() =>
        strict.patch('User', withEmail, { op: 'replace', path: 'emails[value eq "nobody@example.com"].type', value: 'home' }),
      ),
    ).toMatchObject({
      status: 400,
      scimType: 'noTarget',
    });
    expect(strict.patch('User', withEmail, { op: 'replace', path: 'emails[value eq "j@x"].type', value: 'home' }).emails).toEqual([
      { type: 'home', value: 'j@x' },
    ]);
  });
});

describe(`${entra.removeTakesValue.name} (${entra.ENTRA_KNOWN_ISSUES}: Remove members with a value)`, () => {
  it.each(lenient)('removes only the members listed', ({ members }) => {
    expect(members({ op: 'Remove', path: 'members', value: [{ value: 'u1' }] })).toEqual([{ kind: 'remove', ids: ['u1'] }]);
  });
  it('strict: remove selects by path (RFC 7644 §3.5.2.2); a value is refused rather than read as "remove all"', () => {
    expect(scimErrorOf(() => strict.members({ op: 'remove', path: 'members', value: [{ value: 'u1' }] }))).toMatchObject({
      scimType: 'invalidValue',
    });
    expect(strict.members({ op: 'remove', path: 'members[value eq "u1"]' })).toEqual([{ kind: 'remove', ids: ['u1'] }]);
    const withEmails = user({ emails: [{ value: 'a@x' }, { value: 'b@x' }] });
    expect(scimErrorOf(() => strict.patch('User', withEmails, { op: 'remove', path: 'emails', value: [{ value: 'a@x' }] }))).toMatchObject({
      scimType: 'invalidValue',
    });
  });
});

describe(`${entra.pathlessKeysArePaths.name} (${entra.ENTRA_KNOWN_ISSUES}, aadOptscim062020)`, () => {
  it.each(lenient)('reads "name.givenName" and URN-qualified keys as paths', ({ patch }) => {
    const next = patch('User', user({ name: { givenName: 'Joy', familyName: 'Young' } }), {
      op: 'replace',
      value: { 'name.givenName': 'Kkom', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' },
    });
    expect(next.name).toEqual({ givenName: 'Kkom', familyName: 'Young' });
    expect(next[ENTERPRISE]).toEqual({ employeeNumber: 'Aklq' });
  });
  it('strict: a path-less value holds attributes and extension objects (RFC 7644 §3.5.2.3)', () => {
    expect(scimErrorOf(() => strict.patch('User', user(), { op: 'replace', value: { 'name.givenName': 'Kkom' } }))).toMatchObject({
      scimType: 'invalidPath',
    });
    const next = strict.patch('User', user(), {
      op: 'replace',
      value: { name: { givenName: 'Kkom' }, [ENTERPRISE]: { employeeNumber: 'Aklq' } },
    });
    expect(next.name).toEqual({ givenName: 'Kkom' });
    expect(next[ENTERPRISE]).toEqual({ employeeNumber: 'Aklq' });
  });
});

describe(`${entra.bareWordFilterValues.name} (${entra.ENTRA_SCIM_TUTORIAL}: externalId eq jyoung)`, () => {
  it.each(lenient)('reads an unquoted word as a string', ({ matches }) => {
    expect(matches('User', 'externalId eq jyoung', user({ externalId: 'jyoung' }))).toBe(true);
    expect(matches('User', 'externalId eq jyoung', user({ externalId: 'other' }))).toBe(false);
  });
  it('strict: a value is quoted, a number, true, false or null (RFC 7644 §3.4.2.2)', () => {
    expect(scimErrorOf(() => strict.matches('User', 'externalId eq jyoung', user()))).toMatchObject({ scimType: 'invalidFilter' });
  });
});

describe(`${entra.legacyGroupSchemaUrns.name} (${entra.ENTRA_KNOWN_ISSUES}: invalid schema URI on group creation)`, () => {
  const legacy = { schemas: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'], displayName: 'Sales' };
  it.each(lenient)('accepts the legacy URN for the Group schema', ({ create }) => {
    expect(create('Group', legacy)).toEqual({ schemas: [GROUP], displayName: 'Sales' });
  });
  it('strict: "schemas" must name the Group schema (RFC 7643 §3)', () => {
    expect(scimErrorOf(() => strict.create('Group', legacy))).toMatchObject({ scimType: 'invalidValue' });
  });
});

describe(`${entra.roleDisplayName.name} (${entra.roleDisplayName.source})`, () => {
  const role = { primary: false, type: 'WindowsAzureActiveDirectoryRole', displayName: 'Admin', value: 'Admin' };
  it.each(lenient)("reads a role's displayName as its display, in bodies, PATCH paths and filters", ({ create, patch, matches }) => {
    const created = create('User', { schemas: [USER], userName: 'a', roles: [role] });
    expect(created.roles).toEqual([{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' }]);
    const patched = patch('User', user({ roles: [{ value: 'Admin', display: 'Admin' }] }), {
      op: 'replace',
      path: 'roles[value eq "Admin"].displayName',
      value: 'Boss',
    });
    expect(patched.roles).toEqual([{ value: 'Admin', display: 'Boss' }]);
    expect(matches('User', 'roles.displayName eq "Admin"', user({ roles: [{ value: 'Admin', display: 'Admin' }] }))).toBe(true);
  });
  it('strict: a role has value, display, type and primary (RFC 7643 §4.1.2)', () => {
    expect(scimErrorOf(() => strict.create('User', { schemas: [USER], userName: 'a', roles: [role] }))).toMatchObject({ status: 400 });
  });
});
