/** The PATCH engine against RFC 7644 §3.5.2 and the request forms Entra sends. */
import { describe, expect, it } from '@jest/globals';
import { scimErrorOf } from '../../support/scim-error';
import { applyPatch } from '../../../functions/scim/patch/apply';
import { parsePatchBody, type PatchOperation } from '../../../functions/scim/patch/operations';
import type { ScimResource } from '../../../functions/scim/schema/types';
import { ENTERPRISE, USER } from '../../support/urns';
import { defaultProfile as P } from '../../../functions/scim/scim-profile';

const ops = (...operations: object[]): PatchOperation[] =>
  parsePatchBody(P, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });

const base = (): ScimResource => ({
  schemas: [USER],
  id: 'u1',
  userName: 'bjensen@example.com',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ type: 'work', value: 'bjensen@example.com', primary: true }],
});

const patched = (resource: ScimResource, ...operations: object[]) => applyPatch(P, 'User', resource, ops(...operations));

describe('applyPatch', () => {
  it('reports no change for a PATCH that sets what is already there', () => {
    const result = patched(base(), { op: 'Replace', path: 'userName', value: 'bjensen@example.com' });
    expect(result.changed).toBe(false);
  });

  it('treats path-less value keys as paths, including dotted and URN-qualified ones', () => {
    const { resource, changed } = patched(base(), {
      op: 'Replace',
      value: { 'name.givenName': 'Babs', [`${ENTERPRISE}:employeeNumber`]: '7', active: 'False' },
    });
    expect(changed).toBe(true);
    expect(resource.name).toEqual({ givenName: 'Babs', familyName: 'Jensen' });
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: '7' });
    expect(resource.active).toBe(false);
    expect(resource.schemas).toEqual([USER, ENTERPRISE]);
  });

  it('merges sub-attributes on replace of a complex attribute (RFC 7644 §3.5.2.3)', () => {
    const { resource } = patched(base(), { op: 'replace', path: 'name', value: { givenName: 'B' } });
    expect(resource.name).toEqual({ givenName: 'B', familyName: 'Jensen' });
  });

  it('creates one element for a value filter with no match, and fills it on later operations', () => {
    const { resource } = patched(
      base(),
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '555' },
    );
    expect(resource.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield' }]);
    expect(resource.phoneNumbers).toEqual([{ type: 'mobile', value: '555' }]);
    expect(resource.emails).toEqual(base().emails);
  });

  it('updates only the matching element', () => {
    const start = {
      ...base(),
      emails: [
        { type: 'work', value: 'a@x' },
        { type: 'home', value: 'b@x' },
      ],
    };
    const { resource } = patched(start, { op: 'replace', path: 'emails[type eq "home"].value', value: 'c@x' });
    expect(resource.emails).toEqual([
      { type: 'work', value: 'a@x' },
      { type: 'home', value: 'c@x' },
    ]);
  });

  it('keeps one primary element: the one just written wins', () => {
    const { resource } = patched(base(), { op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x', primary: 'True' }] });
    expect(resource.emails).toEqual([
      { type: 'work', value: 'bjensen@example.com', primary: false },
      { type: 'home', value: 'h@x', primary: true },
    ]);
  });

  it('turns roles[primary eq "True"].value into a primary role', () => {
    const { resource } = patched(base(), { op: 'Add', path: 'roles[primary eq "True"].value', value: 'Admin' });
    expect(resource.roles).toEqual([{ primary: true, value: 'Admin' }]);
  });

  it('accepts manager as bare name with [{value}], as a URN path with an id string, and "" to clear', () => {
    const first = patched(base(), { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'm1' }] }).resource;
    expect(first[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
    const second = patched(first, { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'm2' }).resource;
    expect(second[ENTERPRISE]).toEqual({ manager: { value: 'm2' } });
    const cleared = patched(second, { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }).resource;
    expect(cleared[ENTERPRISE]).toBeUndefined();
    expect(cleared.schemas).toEqual([USER]);
  });

  it('removes an attribute, a matching element, and succeeds when nothing matches', () => {
    const { resource } = patched(
      base(),
      { op: 'remove', path: 'name.familyName' },
      { op: 'remove', path: 'emails[type eq "work"]' },
      { op: 'remove', path: 'phoneNumbers[type eq "fax"]' },
    );
    expect(resource.name).toEqual({ givenName: 'Barbara' });
    expect(resource.emails).toBeUndefined();
  });

  it('removes the element when its value is removed through a filter', () => {
    const { resource } = patched(base(), { op: 'Remove', path: 'emails[type eq "work"].value' });
    expect(resource.emails).toBeUndefined();
  });

  it('answers mutability for read-only attributes and invalidPath for unknown ones', () => {
    expect(scimErrorOf(() => patched(base(), { op: 'replace', path: 'id', value: 'x' })).scimType).toBe('mutability');
    expect(scimErrorOf(() => patched(base(), { op: 'add', path: 'groups', value: [{ value: 'g' }] })).scimType).toBe('mutability');
    expect(scimErrorOf(() => patched(base(), { op: 'replace', path: 'shoeSize', value: 9 })).scimType).toBe('invalidPath');
  });

  it('answers noTarget when a filter cannot describe the element to create', () => {
    const error = scimErrorOf(() => patched(base(), { op: 'replace', path: 'emails[value co "nowhere"].type', value: 'work' }));
    expect(error.scimType).toBe('noTarget');
  });

  it('does not modify its input', () => {
    const start = base();
    const copy = structuredClone(start);
    patched(start, { op: 'replace', path: 'name.givenName', value: 'X' });
    expect(start).toEqual(copy);
  });
});

describe('applyPatch copy on write', () => {
  /** A deep-frozen copy: any edit in place would throw in strict mode (ES modules are strict). */
  const frozen = <T>(value: T): T => {
    if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) frozen(item);
      Object.freeze(value);
    }
    return value;
  };

  it('never edits the stored resource, whatever the operations write', () => {
    const stored: ScimResource = {
      ...base(),
      phoneNumbers: [{ type: 'work', value: '555-0100' }],
      [ENTERPRISE]: { employeeNumber: '7', manager: { value: 'm1' } },
      schemas: [USER, ENTERPRISE],
    };
    const before = structuredClone(stored);
    const { resource, changed } = patched(
      frozen(stored),
      { op: 'replace', path: 'name.givenName', value: 'Babs' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' },
      { op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '555-0101' }] },
      { op: 'remove', path: `${ENTERPRISE}:manager` },
      { op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: '8' },
      { op: 'replace', value: { displayName: 'Babs', active: false } },
    );
    expect(changed).toBe(true);
    expect(stored).toEqual(before);
    expect(resource).toMatchObject({
      name: { givenName: 'Babs', familyName: 'Jensen' },
      emails: [{ type: 'work', value: 'babs@example.com', primary: true }],
      phoneNumbers: [
        { type: 'work', value: '555-0100' },
        { type: 'mobile', value: '555-0101' },
      ],
      [ENTERPRISE]: { employeeNumber: '8' },
      displayName: 'Babs',
      active: false,
    });
  });

  it('drops the nulls and empty values an operation writes, as storage holds none (RFC 7643 §2.5)', () => {
    const { resource } = patched(
      base(),
      { op: 'replace', path: 'name', value: { givenName: null, familyName: 'J', middleName: '' } },
      { op: 'add', path: 'phoneNumbers', value: [] },
      { op: 'replace', path: 'title', value: null },
    );
    // A sub-attribute the value leaves out (or sends as null) is left as it was (RFC 7644 §3.5.2.3).
    expect(resource.name).toEqual({ givenName: 'Barbara', familyName: 'J', ...(P.dialect.emptyValueClears ? {} : { middleName: '' }) });
    expect(resource).not.toHaveProperty('phoneNumbers');
    expect(resource).not.toHaveProperty('title');
  });
});

describe('applyPatch validation of multi-valued attributes', () => {
  const stored = (): ScimResource => ({
    ...base(),
    emails: [
      { type: 'work', value: 'bjensen@example.com', primary: true },
      { type: 'home', value: 'babs@jensen.org' },
    ],
  });

  it('keeps the elements a PATCH left alone as they were stored, and checks the ones it wrote', () => {
    const before = stored();
    const { resource } = patched(before, { op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' });
    const emails = resource.emails as object[];
    expect(emails[1]).toBe((before.emails as object[])[1]);
    expect(emails[0]).toEqual({ type: 'work', value: 'babs@example.com', primary: true });
  });

  it('refuses an added element that does not fit, whatever the stored ones are', () => {
    expect(
      scimErrorOf(() => patched(stored(), { op: 'add', path: 'emails', value: [{ value: 'x@example.com', primary: 'perhaps' }] })),
    ).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    expect(
      scimErrorOf(() => patched(stored(), { op: 'replace', path: 'emails[type eq "home"].display', value: { nested: true } })),
    ).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
  });
});
