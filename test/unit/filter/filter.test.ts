/** Filter parsing and evaluation (RFC 7644 §3.4.2.2), driven by the schema definitions. */
import { describe, expect, it } from '@jest/globals';
import { scimErrorOf as errorOf } from '../../support/scim-error';
import { evaluateFilter } from '../../../functions/scim/filter/evaluate';
import { parseFilter, FILTER_LIMITS } from '../../../functions/scim/filter/parse';
import { equalityTerms } from '../../../functions/scim/filter/terms';
import { compareResources, parseSortBy } from '../../../functions/scim/filter/sort';
import type { ScimResource } from '../../../functions/scim/schema/types';
import { ENTERPRISE } from '../../support/urns';
import { defaultProfile as P } from '../../../functions/scim/scim-profile';

const barbara: ScimResource = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223',
  externalId: 'Ext-1',
  userName: 'BJensen@example.com',
  displayName: 'Babs Jensen',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { type: 'work', value: 'bjensen@example.com', primary: true },
    { type: 'home', value: 'babs@jensen.org' },
  ],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'm-1' } },
  meta: { created: '2026-01-23T04:56:22Z', lastModified: '2026-05-13T04:42:34Z' },
};

const matches = (filter: string, resource: ScimResource = barbara) => evaluateFilter(parseFilter(P, 'User', filter), resource);

describe('filter evaluation', () => {
  it.each([
    ['userName eq "bjensen@EXAMPLE.com"', true],
    ['USERNAME Eq "bjensen@example.com"', true],
    ['externalId eq "ext-1"', false], // caseExact
    ['externalId eq "Ext-1"', true],
    ['id eq "2819C223"', false], // caseExact
    ['displayName co "jens"', true],
    ['displayName sw "Babs"', true],
    ['displayName ew "JENSEN"', true],
    ['displayName ne "Babs Jensen"', false],
    ['nickName ne "x"', true],
    ['title pr', false],
    ['name pr', true],
    ['name.familyName eq "jensen"', true],
    ['emails co "jensen.org"', true], // complex without sub-attribute compares `value`
    ['emails.value eq "babs@jensen.org"', true],
    ['emails[type eq "work"].value eq "babs@jensen.org"', false],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails[primary eq "True"].value eq "bjensen@example.com"', true],
    ['active eq true', true],
    ['active eq "False"', false],
    ['not (active eq false)', true],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, true],
    [`${ENTERPRISE}:manager.value eq "m-1"`, true],
    ['employeeNumber eq "701984"', true], // unqualified extension name, as Entra sends
    ['meta.lastModified gt "2026-05-13T00:00:00Z"', true],
    ['meta.lastModified gt "2026-05-13T04:42:34.000+00:00"', false],
    ['meta.created le "2026-01-23T05:56:22+01:00"', true], // instants, not strings
    ['title eq null', true],
    ['userName eq null', false],
    ['userName eq "x" or displayName sw "babs" and active eq true', true],
    ['(userName eq "x" or displayName sw "babs") and active eq false', false],
    ['userName eq "x" or not (displayName sw "zz")', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('binds and tighter than or', () => {
    // a or (b and c): true because a is true, although c is false.
    expect(matches('userName eq "bjensen@example.com" or displayName eq "x" and active eq false')).toBe(true);
    // (a or b) and c
    expect(matches('(userName eq "bjensen@example.com" or displayName eq "x") and active eq false')).toBe(false);
  });
});

describe('filter errors', () => {
  it.each([
    ['', 'empty'],
    ['userName eq', 'ends where a value'],
    ['userName xx "a"', 'Unknown operator'],
    ['shoeSize eq 42', 'Unknown attribute "shoeSize"'],
    ['emails[type eq "work"', "']'"],
    ['userName eq "unterminated', 'Unterminated'],
    ['active gt true', 'only eq and ne'],
    ['userName gt null', 'null'],
    ['name eq "x"', 'complex'],
    ['emails[foo eq "x"]', 'Unknown attribute "foo"'],
    ['userName eq "a" )', 'Unexpected'],
  ])('%j is 400 invalidFilter (%s)', (filter, detail) => {
    const error = errorOf(() => parseFilter(P, 'User', filter));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(detail);
  });

  it('bounds length and depth', () => {
    expect(errorOf(() => parseFilter(P, 'User', `userName eq "${'a'.repeat(FILTER_LIMITS.maxLength)}"`)).scimType).toBe('invalidFilter');
    const deep = `${'('.repeat(FILTER_LIMITS.maxDepth + 1)}userName eq "a"${')'.repeat(FILTER_LIMITS.maxDepth + 1)}`;
    expect(errorOf(() => parseFilter(P, 'User', deep)).message).toContain('deeper');
  });

  it('knows Group attributes apart from User ones', () => {
    expect(errorOf(() => parseFilter(P, 'Group', 'userName eq "a"')).scimType).toBe('invalidFilter');
    expect(() => parseFilter(P, 'Group', 'members[value eq "u1"] and displayName eq "Admins"')).not.toThrow();
  });
});

describe('equality terms (what the query planner may look up by key)', () => {
  it('keeps only eq terms every match must satisfy', () => {
    expect(equalityTerms(parseFilter(P, 'User', 'USERNAME eq "A" and active eq true'))).toEqual([
      { path: 'username', value: 'A' },
      { path: 'active', value: true },
    ]);
    expect(equalityTerms(parseFilter(P, 'User', 'userName eq "a" or externalId eq "b"'))).toEqual([]);
    expect(equalityTerms(parseFilter(P, 'User', 'not (userName eq "a")'))).toEqual([]);
    expect(equalityTerms(parseFilter(P, 'Group', 'members[value eq "u1"]'))).toEqual([{ path: 'members.value', value: 'u1' }]);
    expect(equalityTerms(parseFilter(P, 'User', 'groups.value eq "g1"'))).toEqual([{ path: 'groups.value', value: 'g1' }]);
  });
});

describe('sortBy', () => {
  const people: ScimResource[] = [
    { userName: 'b', name: { familyName: 'Zeta' }, emails: [{ value: 'z@x', primary: true }, { value: 'a@x' }] },
    { userName: 'C', name: { familyName: 'alpha' }, emails: [{ value: 'm@x' }] },
    { userName: 'a' },
  ];
  const order = (attribute: string, direction: 'ascending' | 'descending' = 'ascending') =>
    [...people].sort(compareResources(parseSortBy(P, 'User', attribute), direction)).map((p) => p.userName);

  it('sorts case-insensitively where the schema says so, missing values last', () => {
    expect(order('userName')).toEqual(['a', 'b', 'C']);
    expect(order('userName', 'descending')).toEqual(['C', 'b', 'a']);
    expect(order('name.familyName')).toEqual(['C', 'b', 'a']);
  });

  it('puts resources without a value last ascending and first descending (RFC 7644 §3.4.2.3)', () => {
    expect(order('name.familyName', 'descending')).toEqual(['a', 'b', 'C']);
    expect(order('emails', 'descending')).toEqual(['a', 'b', 'C']);
  });

  it('sorts a multi-valued attribute by its primary value', () => {
    expect(order('emails')).toEqual(['C', 'b', 'a']);
  });

  it('rejects an unknown attribute', () => {
    expect(errorOf(() => parseSortBy(P, 'User', 'shoeSize')).status).toBe(400);
  });
});
