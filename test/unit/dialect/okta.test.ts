/** Each Okta rule (functions/scim/dialect/okta.ts), named after it and its source. */
import { describe, expect, it } from '@jest/globals';
import * as okta from '../../../functions/scim/dialect/okta';
import type { ScimResource } from '../../../functions/scim/schema/types';
import { scimErrorOf } from '../../support/scim-error';
import { GROUP, USER } from '../../support/urns';
import { under } from './rules';

const lenient = [under('okta'), under('tolerant')];
const strict = under('strict');
const group = (): ScimResource => ({ schemas: [GROUP], id: 'g1', displayName: 'Test SCIMv2' });

describe(`${okta.pathlessValueRepeatsId.name} (${okta.OKTA_SCIM_GUIDE}: Update a specific Group name)`, () => {
  it.each(lenient)("accepts the group's own id in a path-less replace", ({ patch }) => {
    expect(patch('Group', group(), { op: 'replace', value: { id: 'g1', displayName: 'Test SCIMv20' } }).displayName).toBe('Test SCIMv20');
  });
  it.each([...lenient, strict])('refuses another id (mutability)', ({ patch }) => {
    expect(scimErrorOf(() => patch('Group', group(), { op: 'replace', value: { id: 'g2', displayName: 'x' } }))).toMatchObject({
      scimType: 'mutability',
    });
  });
  it('strict: id is readOnly (RFC 7643 §3.1): writing it is 400 mutability', () => {
    expect(scimErrorOf(() => strict.patch('Group', group(), { op: 'replace', value: { id: 'g1', displayName: 'x' } }))).toMatchObject({
      scimType: 'mutability',
    });
  });
});

describe(`${okta.bareWordFilterValues.name} (${okta.OKTA_TEST_SUITE}: userName eq Runscope123@atko.com)`, () => {
  const user: ScimResource = { schemas: [USER], id: 'u1', userName: 'Runscope123@atko.com' };
  it.each(lenient)('reads an unquoted word, @ and all, as a string', ({ matches }) => {
    expect(matches('User', 'userName eq Runscope123@atko.com', user)).toBe(true);
  });
  it('strict: 400 invalidFilter (RFC 7644 §3.4.2.2)', () => {
    expect(scimErrorOf(() => strict.matches('User', 'userName eq Runscope123@atko.com', user))).toMatchObject({
      scimType: 'invalidFilter',
    });
  });
  it.each([...lenient, strict])('true, false, null and numbers keep their JSON meaning', ({ matches }) => {
    expect(matches('User', 'active eq true', { ...user, active: true })).toBe(true);
    expect(matches('User', 'title eq null', user)).toBe(true);
  });
});
