/**
 * The limits tests lower through the environment (docs/configuration.md): SCIM_GROUP_MEMBERS_INLINE
 * only lowers the inline member limit (production and at most 10,000), SCIM_DELETE_CLEANUP_MS sets how
 * long a DELETE removes memberships itself (3 s; 0 leaves them all to the janitor).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { limits } from '../../../functions/provisioning/limits';

const withEnv = (name: string, value: string, read: () => number): number => {
  process.env[name] = value;
  return read();
};
afterEach(() => {
  delete process.env.SCIM_GROUP_MEMBERS_INLINE;
  delete process.env.SCIM_DELETE_CLEANUP_MS;
});

describe('limits from the environment', () => {
  it('the inline member limit is 10,000 unless set lower', () => {
    expect(limits.groupMembersInline).toBe(10_000);
    const inline = (value: string) => withEnv('SCIM_GROUP_MEMBERS_INLINE', value, () => limits.groupMembersInline);
    expect(['300', '10000', '10001', '0', '-1', 'x'].map(inline)).toEqual([300, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('a DELETE cleans up for 3 s unless set; 0 leaves every membership to the janitor', () => {
    expect(limits.deleteCleanupMs).toBe(3_000);
    const cleanup = (value: string) => withEnv('SCIM_DELETE_CLEANUP_MS', value, () => limits.deleteCleanupMs);
    expect(['0', '500', '', '-1', 'x'].map(cleanup)).toEqual([0, 500, 3_000, 3_000, 3_000]);
  });
});
