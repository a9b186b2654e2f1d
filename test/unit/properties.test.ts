/** Property tests (fast-check): no input makes the filter parser or the PATCH engine throw anything but a SCIM error. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ScimError } from '../../functions/scim/scim-error';
import { evaluateFilter } from '../../functions/scim/filter/evaluate';
import { parseFilter } from '../../functions/scim/filter/parse';
import { applyPatch } from '../../functions/scim/patch/apply';
import { parsePatchBody } from '../../functions/scim/patch/operations';
import type { ScimResource } from '../../functions/scim/schema/types';
import { scimJson } from '../support/arbitraries';
import { ENTERPRISE } from '../support/urns';
import { defaultProfile as P } from '../../functions/scim/scim-profile';

const user: ScimResource = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: 'u1',
  userName: 'bjensen@example.com',
  active: true,
  name: { givenName: 'B' },
  emails: [{ value: 'b@example.com', type: 'work', primary: true }],
  [ENTERPRISE]: { department: 'D', manager: { value: 'm1' } },
};

/** Runs `work`; a throw must be a ScimError with a 4xx status. */
function onlyScimErrors(work: () => unknown): void {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBeGreaterThanOrEqual(400);
    expect((error as ScimError).status).toBeLessThan(500);
  }
}

const filterToken = fc.constantFrom(
  'userName',
  'emails',
  'emails.value',
  'emails.type',
  'name.givenName',
  'meta.created',
  'active',
  'groups',
  'members',
  `${ENTERPRISE}:manager.value`,
  'manager',
  '[',
  ']',
  '(',
  ')',
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'and',
  'or',
  'not',
  '"x"',
  '"True"',
  'true',
  'false',
  'null',
  '42',
  '-1.5e3',
  '"2026-01-01T00:00:00Z"',
  '.value',
  '"\\u0000"',
);

const json = scimJson;

const patchPath = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'title',
    'name',
    'name.givenName',
    'emails',
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    'emails[value co "x"].type',
    'roles[primary eq "True"].value',
    'manager',
    ENTERPRISE,
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    'id',
    'meta',
    'groups',
    'active',
    'x509Certificates',
    'emails[type eq',
    'emails[bogus eq "x"]',
    'name.bogus',
  ),
);

describe('properties', () => {
  it('parses or refuses any filter text, and evaluates what it parses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(filterToken, { maxLength: 15 }).map((t) => t.join(' ')),
        ),
        (text) => {
          onlyScimErrors(() => evaluateFilter(parseFilter(P, 'User', text), user));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('applies or refuses any PATCH body, never changing its input', () => {
    const operation = fc.record(
      { op: fc.oneof(fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove'), fc.string()), path: patchPath, value: json },
      { requiredKeys: ['op'] },
    );
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), (operations) => {
        const before = structuredClone(user);
        onlyScimErrors(() =>
          applyPatch(
            P,
            'User',
            user,
            parsePatchBody(P, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }),
          ),
        );
        expect(user).toEqual(before);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses any malformed PATCH message with a SCIM error', () => {
    fc.assert(
      fc.property(json, (body) => onlyScimErrors(() => parsePatchBody(P, body))),
      { numRuns: 1000 },
    );
  });
});
