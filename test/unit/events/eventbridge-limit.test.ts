/**
 * A full-form event larger than an EventBridge entry goes as notice with a note, never as a refused
 * entry; a large write's delta chunk at the production size (500 ids) is one entry far under the limit.
 */
import { describe, expect, it } from '@jest/globals';
import type { PublishedEvent } from '../../../functions/events/publish';
import { randomUUID } from 'node:crypto';
import { environment } from '../../../functions/commons/environment';
import { eventsPerChunk } from '../../../functions/events/chunked-events';
import { groupImage } from '../../support/group-image';
import { MAX_ENTRY_BYTES, detailTypeOf, withinEntryLimit } from '../../../functions/events/eventbridge';

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

describe('a large group write on the bus, at the production chunk size', () => {
  it.each(['notice', 'full'] as const)('a chunk of 500 ids added and removed is one entry under 64 KB, unreduced (%s form)', (form) => {
    const size = environment.groupDeltaChunkIds();
    expect(size).toBe(500);
    const ids = () => Array.from({ length: size / 2 }, () => randomUUID());
    const chunks = [0, 1, 2].map(() => ({ added: ids(), removed: ids() }));
    const change = {
      eventName: 'MODIFY' as const,
      recordId: 'rec-1',
      timestamp: '2026-01-01T10:20:00.000Z',
      oldImage: groupImage(1),
      newImage: groupImage(2, { memberDelta: { deltaId: 'd1', chunks: 3, addedCount: 750, removedCount: 750 } }),
    };
    const events = eventsPerChunk(change, { form, issuer: 'scim-serverless' }, chunks);
    expect(events).toHaveLength(3);
    for (const [index, event] of events.entries()) {
      expect(withinEntryLimit(event)).toBe(event);
      const entry = JSON.stringify({ Source: 'scim-serverless', DetailType: detailTypeOf(event), Detail: JSON.stringify(event) });
      expect(Buffer.byteLength(entry)).toBeLessThan(64 * 1024);
      const payload = Object.values(event.events)[0];
      expect(payload?.chunk).toEqual({ index: index + 1, count: 3 });
      expect(JSON.stringify(payload)).toContain(chunks[index]?.removed[size / 2 - 1] as string);
    }
  });
});
