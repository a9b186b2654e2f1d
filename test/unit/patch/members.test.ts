/** Group membership operations in both Entra dialects (aadOptscim062020 flag and default). */
import { describe, expect, it } from '@jest/globals';
import { splitMemberOperations } from '../../../functions/scim/patch/members';
import { parsePatchBody } from '../../../functions/scim/patch/operations';
import { ScimError } from '../../../functions/scim/scim-error';
import { defaultProfile as P } from '../../../functions/scim/scim-profile';

const split = (...operations: object[]) =>
  splitMemberOperations(P, parsePatchBody(P, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }));

describe('splitMemberOperations', () => {
  it('reads Add of many members', () => {
    const { memberChanges, attributeOperations } = split({
      op: 'Add',
      path: 'members',
      value: [{ $ref: null, value: 'a' }, { value: 'b' }],
    });
    expect(memberChanges).toEqual([{ kind: 'add', ids: ['a', 'b'] }]);
    expect(attributeOperations).toEqual([]);
  });

  it('reads the default-dialect Remove with a value as removing only those members', () => {
    expect(split({ op: 'Remove', path: 'members', value: [{ value: 'a' }] }).memberChanges).toEqual([{ kind: 'remove', ids: ['a'] }]);
  });

  it('reads the aadOptscim062020 remove by filter', () => {
    expect(split({ op: 'remove', path: 'members[value eq "a"]' }).memberChanges).toEqual([{ kind: 'remove', ids: ['a'] }]);
  });

  it('reads Remove without value as removing every member, and replace as exactly those', () => {
    expect(split({ op: 'Remove', path: 'members' }).memberChanges).toEqual([{ kind: 'removeAll' }]);
    expect(split({ op: 'replace', path: 'members', value: [{ value: 'c' }] }).memberChanges).toEqual([{ kind: 'replace', ids: ['c'] }]);
  });

  it('splits a path-less value between attributes and members', () => {
    const { memberChanges, attributeOperations } = split({ op: 'replace', value: { displayName: 'X', members: [{ value: 'a' }] } });
    expect(memberChanges).toEqual([{ kind: 'replace', ids: ['a'] }]);
    expect(attributeOperations).toEqual([{ op: 'replace', value: { displayName: 'X' } }]);
  });

  it('keeps the order of several operations and leaves other attributes alone', () => {
    const { memberChanges, attributeOperations } = split(
      { op: 'Add', path: 'members', value: [{ value: 'a' }] },
      { op: 'Replace', path: 'displayName', value: 'Y' },
      { op: 'Remove', path: 'members', value: [{ value: 'a' }] },
    );
    expect(memberChanges).toEqual([
      { kind: 'add', ids: ['a'] },
      { kind: 'remove', ids: ['a'] },
    ]);
    expect(attributeOperations).toEqual([{ op: 'replace', path: 'displayName', value: 'Y' }]);
  });

  it('rejects members without an id', () => {
    expect(() => split({ op: 'Add', path: 'members', value: [{ display: 'no id' }] })).toThrow(ScimError);
  });
});
