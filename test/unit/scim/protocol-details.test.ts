/**
 * Protocol details third-party clients trip on (issue #28, point 5), each at the layer that owns it:
 * projection (an extension URN in excludedAttributes), path resolution and filter evaluation (a value
 * filter on a multi-valued simple attribute) and PATCH value handling (a `schemas` member inside an
 * extension value). The HTTP view of each is test/integration/protocol-details.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateFilter } from '../../../functions/scim/filter/evaluate';
import { parseFilter } from '../../../functions/scim/filter/parse';
import { parsePatchPath } from '../../../functions/scim/filter/path';
import { applyPatch } from '../../../functions/scim/patch/apply';
import { parsePatchBody } from '../../../functions/scim/patch/operations';
import { parseAttributeList, projectResource } from '../../../functions/scim/projection';
import type { ScimResource } from '../../../functions/scim/schema/types';
import { profileOf } from '../../../functions/tenants/profile-from-settings';
import { scimErrorOf } from '../../support/scim-error';
import { USER } from '../../support/urns';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const { profile, problem } = profileOf({
  schemaExtensions: [
    {
      id: ACME,
      resourceType: 'User',
      attributes: [{ name: 'seats', type: 'integer' }, { name: 'badges', type: 'string', multiValued: true }, { name: 'costCode' }],
    },
  ],
});

const user = (): ScimResource => ({
  schemas: [USER, ACME],
  id: 'u1',
  userName: 'bjensen',
  [ACME]: { seats: 3, badges: ['gold', 'early', 'x'], costCode: 'C1' },
});
const patched = (resource: ScimResource, ...operations: object[]) =>
  applyPatch(
    profile,
    'User',
    resource,
    parsePatchBody(profile, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }),
  );

it('builds the test profile', () => expect(problem).toBeUndefined());

describe('projection', () => {
  it('excludedAttributes=<extension URN> excludes the whole extension', () => {
    const excluded = parseAttributeList(profile, 'User', ACME);
    const projected = projectResource(profile, 'User', user(), { excludedAttributes: excluded });
    expect(projected).toEqual({ schemas: [USER, ACME], id: 'u1', userName: 'bjensen' });
  });

  it('the extension URN is matched case-insensitively and combines with other names', () => {
    const excluded = parseAttributeList(profile, 'User', `userName,${ACME.toUpperCase()}`);
    expect(projectResource(profile, 'User', user(), { excludedAttributes: excluded })).toEqual({ schemas: [USER, ACME], id: 'u1' });
  });

  it('attributes=<extension URN> returns the whole extension and nothing else but id and schemas', () => {
    const named = parseAttributeList(profile, 'User', ACME);
    expect(projectResource(profile, 'User', user(), { attributes: named })).toEqual({
      schemas: [USER, ACME],
      id: 'u1',
      [ACME]: user()[ACME],
    });
  });
});

describe('path resolution: a value filter on a multi-valued simple attribute', () => {
  it(`resolves ${ACME}:badges[value eq "x"] as a PATCH path`, () => {
    const path = parsePatchPath(profile, 'User', `${ACME}:badges[value eq "x"]`);
    expect(path.attribute?.definition.name).toBe('badges');
    expect(path.filter?.kind).toBe('compare');
  });

  it('takes no sub-attribute after the filter, and a singular simple attribute takes no filter', () => {
    expect(scimErrorOf(() => parsePatchPath(profile, 'User', `${ACME}:badges[value eq "x"].type`))).toMatchObject({
      scimType: 'invalidPath',
    });
    expect(scimErrorOf(() => parsePatchPath(profile, 'User', `${ACME}:seats[value eq 1]`))).toMatchObject({ scimType: 'invalidPath' });
    expect(scimErrorOf(() => parseFilter(profile, 'User', `${ACME}:seats[value eq 1]`))).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('filter=badges[value eq "x"] matches a resource holding that value, any case (caseExact false)', () => {
    const filter = parseFilter(profile, 'User', `${ACME}:badges[value eq "GOLD"]`);
    expect(evaluateFilter(filter, user())).toBe(true);
    expect(evaluateFilter(parseFilter(profile, 'User', `${ACME}:badges[value eq "silver"]`), user())).toBe(false);
    expect(evaluateFilter(parseFilter(profile, 'User', `${ACME}:badges[value sw "ea" or value eq "none"]`), user())).toBe(true);
  });
});

describe('PATCH value handling', () => {
  it('remove with path badges[value eq "x"] removes only that value', () => {
    const { resource, changed } = patched(user(), { op: 'remove', path: `${ACME}:badges[value eq "x"]` });
    expect(changed).toBe(true);
    expect((resource[ACME] as Record<string, unknown>).badges).toEqual(['gold', 'early']);
  });

  it('remove of the last matching values clears the attribute, and a remove matching nothing succeeds unchanged', () => {
    const one = { ...user(), [ACME]: { badges: ['x'] } };
    expect(patched(one, { op: 'remove', path: `${ACME}:badges[value eq "x"]` }).resource[ACME]).toBeUndefined();
    expect(patched(user(), { op: 'remove', path: `${ACME}:badges[value eq "none"]` }).changed).toBe(false);
  });

  it('replace with path badges[value eq "x"] puts the new value in its place', () => {
    const { resource } = patched(user(), { op: 'replace', path: `${ACME}:badges[value eq "x"]`, value: 'y' });
    expect((resource[ACME] as Record<string, unknown>).badges).toEqual(['gold', 'early', 'y']);
  });

  it('add/replace with an extension-URN path whose value carries schemas naming that extension ignores the schemas member', () => {
    for (const op of ['add', 'replace']) {
      const { resource } = patched(user(), { op, path: ACME, value: { schemas: [ACME], seats: 9 } });
      expect(resource[ACME]).toEqual({ ...(user()[ACME] as object), seats: 9 });
    }
    const pathless = patched(user(), { op: 'add', value: { [ACME]: { schemas: [ACME], costCode: 'C2' } } });
    expect((pathless.resource[ACME] as Record<string, unknown>).costCode).toBe('C2');
  });

  it('a schemas member naming another schema inside an extension value is still refused', () => {
    expect(scimErrorOf(() => patched(user(), { op: 'add', path: ACME, value: { schemas: [USER], seats: 9 } }))).toMatchObject({
      status: 400,
      scimType: 'invalidPath',
    });
  });
});
