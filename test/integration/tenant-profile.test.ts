/**
 * How a tenant's settings reach the handler (functions/http/profile-cache.ts), on DynamoDB Local:
 * the profile is built once per settings version, a known digest costs no DynamoDB call, a new
 * digest costs one GetItem, and the TTL bounds how long a stale authorizer context is served.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tenantProfile } from '../../functions/http/profile-cache';
import type { Db } from '../../functions/store/db';
import { putTenant } from '../../functions/store/tenants';
import { tenantSettingsSchema } from '../../functions/tenants/settings-schema';
import { settingsDigest } from '../../functions/tenants/settings-digest';
import { dropTable, testDb } from '../support/dynamodb';

const EXT = 'urn:ietf:params:scim:schemas:extension:cache:2.0:User';

describe('the tenant profile cache', () => {
  let db: Db;
  let calls = 0;
  beforeAll(async () => {
    db = await testDb('tenant-profile');
    db.client.middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
  });
  afterAll(async () => dropTable(db));

  const first = tenantSettingsSchema.parse({ schemaExtensions: [{ id: EXT, resourceType: 'User', attributes: [{ name: 'a' }] }] });
  const second = tenantSettingsSchema.parse({
    schemaExtensions: [{ id: EXT, resourceType: 'User', attributes: [{ name: 'a' }, { name: 'b' }] }],
  });
  const counted = async (run: () => Promise<unknown>) => {
    const before = calls;
    const result = await run();
    return { result, calls: calls - before };
  };

  it('reads the tenant item once per settings version and then answers from memory', async () => {
    await putTenant(db, { tenantId: 'cached', displayName: 'C', settings: first });
    const now = Date.now();
    const load = await counted(() => tenantProfile(db, 'cached', settingsDigest(first), now));
    expect(load.calls).toBe(1);
    const again = await counted(() => tenantProfile(db, 'cached', settingsDigest(first), now + 1000));
    expect(again.calls).toBe(0);
    expect(again.result).toBe(load.result);
  });

  it('a new digest in the authorizer context costs one GetItem and brings the new schemas', async () => {
    await putTenant(db, { tenantId: 'cached', displayName: 'C', settings: second });
    const now = Date.now();
    const stale = await counted(() => tenantProfile(db, 'cached', settingsDigest(first), now));
    // An authorizer answer cached by API Gateway still carries the old digest: served from memory within the TTL.
    expect(stale.calls).toBe(0);
    const fresh = await counted(() => tenantProfile(db, 'cached', settingsDigest(second), now));
    expect(fresh.calls).toBe(1);
    const profile = fresh.result as Awaited<ReturnType<typeof tenantProfile>>;
    expect(profile.schemas.resolvePath('User', `${EXT}:b`)).toBeDefined();
    // Once newer settings are known, an older digest is not trusted (it may be settings restored
    // by a deploy): one GetItem, and the item's settings win.
    const older = await counted(() => tenantProfile(db, 'cached', settingsDigest(first), now + 1000));
    expect(older.calls).toBe(1);
    expect(older.result).toBe(profile);
  });

  it('after the TTL the tenant item is read again, and the profile is rebuilt only if the settings changed', async () => {
    const later = Date.now() + 31_000;
    const checked = await counted(() => tenantProfile(db, 'cached', settingsDigest(second), later));
    expect(checked.calls).toBe(1);
    const same = await counted(() => tenantProfile(db, 'cached', settingsDigest(second), later + 1));
    expect(same.calls).toBe(0);
    expect(same.result).toBe(checked.result);
  });

  it('a tenant without settings gets RFC 7643 schemas only', async () => {
    await putTenant(db, { tenantId: 'plain', displayName: 'P' });
    const profile = await tenantProfile(db, 'plain', undefined);
    expect(profile.schemas.extensionUrnsOf('User')).toEqual(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']);
    expect(profile.unknownAttributes).toBe('reject');
  });
});
