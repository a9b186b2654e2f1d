/** A full-form event larger than an EventBridge entry goes as notice with a note, never as a refused entry. */
import { describe, expect, it } from '@jest/globals';
import type { PublishedEvent } from '../../../functions/events/publish';
import { MAX_ENTRY_BYTES, withinEntryLimit } from '../../../functions/events/eventbridge';

const PROV = 'urn:ietf:params:scim:event:prov';
const event = (data: Record<string, unknown>, operations?: Record<string, unknown>[]): PublishedEvent => ({
  iss: 'scim-serverless',
  jti: 'j',
  iat: 1,
  toe: 1,
  txn: 't',
  aud: ['/tenants/acme/scim/v2'],
  sub_id: { format: 'scim', uri: '/Groups/g', id: 'g' },
  events: { [`${PROV}:patch:full`]: { data, version: 'W/"2"', ...(operations ? { operations } : {}) } },
  tenantId: 'acme',
  resourceType: 'Group',
});

describe('withinEntryLimit', () => {
  it('keeps an event that fits', () => {
    const small = event({ id: 'g', displayName: 'Small' });
    expect(withinEntryLimit(small)).toBe(small);
  });

  it('sends an oversized full event as notice: attribute names, member ids, a note, under the limit', () => {
    const big = event({ id: 'g', displayName: 'Big', description: 'x'.repeat(300_000), meta: {} }, [
      { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
      { op: 'remove', path: 'members', value: [{ value: 'u3' }] },
    ]);
    const sent = withinEntryLimit(big);
    expect(sent.events).toEqual({
      [`${PROV}:patch:notice`]: {
        attributes: ['displayName', 'description'],
        version: 'W/"2"',
        members: { added: ['u1', 'u2'], removed: ['u3'] },
      },
    });
    expect(sent.note).toMatch(/256 KB/);
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThan(MAX_ENTRY_BYTES);
  });
});
