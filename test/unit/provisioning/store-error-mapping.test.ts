/**
 * The provisioning edge maps what the store throws to the SCIM error a client gets (RFC 7644 §3.12),
 * and the Users and Groups services carry that mapping (over HTTP: test/integration/users.test.ts,
 * groups.test.ts, security.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { scimErrorOf, withScimErrors } from '../../../functions/provisioning/store-error-mapping';
import type { ResourceService } from '../../../functions/provisioning/resource-service';
import { ScimError } from '../../../functions/scim/scim-error';
import { InvalidResourceId, ResourceTooLarge, UniqueValueTaken, VersionConflict } from '../../../functions/store/store-errors';

describe('store errors at the provisioning edge', () => {
  it.each([
    [new UniqueValueTaken('User', 'userName'), 409, 'uniqueness', 'A User with this userName already exists in this tenant.'],
    [new InvalidResourceId(256), 400, 'invalidValue', 'A resource id must be 1 to 256 bytes.'],
    [new ResourceTooLarge('Group', 400_001, 350_000), 413, undefined, 'The Group is 400001 bytes; a resource may be at most 350000 bytes.'],
  ])('%s becomes a SCIM %s', (error, status, scimType, detail) => {
    const mapped = scimErrorOf(error);
    expect(mapped).toBeInstanceOf(ScimError);
    expect(mapped).toMatchObject({ status, scimType, message: detail });
  });

  it('leaves VersionConflict (the services retry or answer 412) and other errors as they are', () => {
    const conflict = new VersionConflict();
    const fault = new Error('DynamoDB unavailable');
    expect(scimErrorOf(conflict)).toBe(conflict);
    expect(scimErrorOf(fault)).toBe(fault);
  });

  it('is applied to whatever a wrapped service throws', async () => {
    const failing = async (): Promise<never> => {
      throw new UniqueValueTaken('Group', 'displayName');
    };
    const service: ResourceService = {
      type: 'Group',
      create: failing,
      get: failing,
      replace: failing,
      patch: failing,
      remove: failing,
      present: failing,
    };
    const wrapped = withScimErrors(service);
    await expect(wrapped.create({} as never, {}, false)).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    await expect(wrapped.patch({} as never, 'id', {}, undefined, false)).rejects.toBeInstanceOf(ScimError);
  });
});
