/** The net effect of a PATCH's member operations, applied in order (what one transaction writes). */
import { describe, expect, it } from '@jest/globals';
import { addedMemberIds, netMemberChange, type MemberChange } from '../../../functions/scim/patch/members';

const net = (...changes: MemberChange[]) => {
  const { exact, put, remove } = netMemberChange(changes);
  return { exact, put: [...put].sort(), remove: [...remove].sort() };
};

describe('netMemberChange', () => {
  it('lets a later operation on the same member win', () => {
    expect(net({ kind: 'add', ids: ['a', 'b'] }, { kind: 'remove', ids: ['a'] })).toEqual({ exact: false, put: ['b'], remove: ['a'] });
    expect(net({ kind: 'remove', ids: ['a'] }, { kind: 'add', ids: ['a'] })).toEqual({ exact: false, put: ['a'], remove: [] });
  });

  it('makes the result exact after a replace or a remove-all, then applies what follows', () => {
    expect(
      net({ kind: 'add', ids: ['x'] }, { kind: 'replace', ids: ['a', 'b'] }, { kind: 'remove', ids: ['b'] }, { kind: 'add', ids: ['c'] }),
    ).toEqual({
      exact: true,
      put: ['a', 'c'],
      remove: [],
    });
    expect(net({ kind: 'add', ids: ['a'] }, { kind: 'removeAll' })).toEqual({ exact: true, put: [], remove: [] });
  });

  it('names only added members for validation', () => {
    expect(
      addedMemberIds([
        { kind: 'add', ids: ['a'] },
        { kind: 'remove', ids: ['b'] },
        { kind: 'replace', ids: ['a', 'c'] },
      ]),
    ).toEqual(['a', 'c']);
  });
});
