/** Which usage key the authorizer names for a tenant item (functions/tenants/usage-key.ts, docs/throttling.md). */
import { describe, expect, it } from '@jest/globals';
import { sharedUsageKey, tenantUsageKeyOf, usageKeyOf, usageKeyOfTenant } from '../../../functions/tenants/usage-key';
import { recordingRateTiers } from '../../../local/local-rate-tiers';

const SALT = 'salt12';

describe('usageKeyOfTenant', () => {
  it("names the tenant's own key when a tier plan holds it", () => {
    expect(usageKeyOfTenant({ tenantId: 'acme', usagePlan: 'shared', rateTier: 'standard' }, SALT)).toBe('scim-tenant-salt12-acme');
    expect(usageKeyOfTenant({ tenantId: 'acme', usagePlan: 'own', rateTier: 'large' }, SALT)).toBe(tenantUsageKeyOf('acme', SALT));
  });

  it('names the per-tenant key of a stack before tiers for an item the seed has not moved yet', () => {
    expect(usageKeyOfTenant({ tenantId: 'acme', usagePlan: 'own' }, SALT)).toBe(usageKeyOf('acme', SALT));
    expect(usageKeyOf('acme', SALT)).not.toBe(tenantUsageKeyOf('acme', SALT));
  });

  it('names the shared key without a key of its own, or on the shared tier', () => {
    expect(usageKeyOfTenant({ tenantId: 'walk-in', usagePlan: 'shared' }, SALT)).toBe(sharedUsageKey(SALT));
    expect(usageKeyOfTenant({ tenantId: 'acme', usagePlan: 'own', rateTier: 'shared' }, SALT)).toBe(sharedUsageKey(SALT));
  });

  it('gives no tenant the shared key, nor another tenant’s', () => {
    const keys = ['a', 'a-b', 'ab'].map((id) => tenantUsageKeyOf(id, SALT));
    expect(new Set([...keys, sharedUsageKey(SALT)]).size).toBe(4);
  });
});

describe('recording rate tiers (npm start)', () => {
  it('records which tier holds each key, refuses unknown tiers, forgets on release', async () => {
    const tiers = recordingRateTiers();
    await tiers.assign('acme', 'large');
    await tiers.assign('contoso', 'standard');
    await tiers.assign('contoso', 'shared');
    await expect(tiers.assign('acme', 'gold')).rejects.toMatchObject({ reason: 'unknown tier' });
    expect([...tiers.keys]).toEqual([['acme', 'large']]);
    await tiers.release('acme');
    expect(tiers.keys.size).toBe(0);
  });
});
