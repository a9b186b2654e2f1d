/**
 * The size of one chunk's SET at the production chunk size (SCIM_GROUP_DELTA_CHUNK_IDS unset: 500
 * ids): signed, it stays under 40 KB in both forms (docs/events.md). The integration test of large
 * group writes (test/integration/group-member-deltas.test.ts) runs with small chunks, so the size of
 * a full production chunk is held here, from the same functions the event outbox calls.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { environment } from '../../../functions/commons/environment';
import type { ItemChange } from '../../../functions/events/change-event';
import { signSet } from '../../../functions/events/set-signer';
import { setsForStream } from '../../../functions/events/stream-sets';
import type { StoredEventStream } from '../../../functions/store/event-stream-items';
import { groupImage } from '../../support/group-image';
import { localSigner } from '../../../functions/signing/local-signer';

const dir = mkdtempSync(join(tmpdir(), 'stream-sets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stream = (form: 'notice' | 'full'): StoredEventStream => ({
  tenantId: 'acme',
  streamId: 'receiver',
  method: 'poll',
  audience: 'https://receiver.example',
  eventsRequested: [`urn:ietf:params:scim:event:prov:patch:${form}`],
  form,
  retentionDays: 7,
  retryHours: 24,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
});

describe('a large group write’s SETs at the production chunk size', () => {
  it.each(['notice', 'full'] as const)('a full chunk of 500 member ids is one SET under 40 KB (%s form)', async (form) => {
    const size = environment.groupDeltaChunkIds();
    expect(size).toBe(500);
    const chunks = [0, 1].map(() => ({ added: Array.from({ length: size }, () => randomUUID()), removed: [] as string[] }));
    const change: ItemChange = {
      eventName: 'MODIFY',
      recordId: 'rec-1',
      timestamp: '2026-01-01T10:20:00.000Z',
      oldImage: groupImage(1),
      newImage: groupImage(2, { memberDelta: { deltaId: 'd1', chunks: 2, addedCount: 2 * size, removedCount: 0 } }),
    };
    const sets = setsForStream(change, stream(form), 'https://scim.example.com', Date.now(), { chunks });
    expect(sets).toHaveLength(2);
    const signer = localSigner(join(dir, 'events-key.json'));
    for (const [index, set] of sets.entries()) {
      const signed = await signSet(signer, set.claims);
      const payload = Object.values((decodeJwt(signed) as { events: Record<string, Record<string, unknown>> }).events)[0];
      expect(payload?.chunk).toEqual({ index: index + 1, count: 2 });
      expect(JSON.stringify(payload)).toContain(chunks[index]?.added[size - 1] as string);
      expect(signed.length).toBeLessThan(40_000);
    }
  });
});

describe('SCIM_GROUP_DELTA_CHUNK_IDS', () => {
  it('sets smaller chunks; a larger or malformed value is taken as 500', () => {
    const sizeWith = (value: string) => {
      process.env.SCIM_GROUP_DELTA_CHUNK_IDS = value;
      try {
        return environment.groupDeltaChunkIds();
      } finally {
        delete process.env.SCIM_GROUP_DELTA_CHUNK_IDS;
      }
    };
    expect(['20', '500', '501', '100000', '0', '-5', '2.5', 'many'].map(sizeWith)).toEqual([20, 500, 500, 500, 500, 500, 500, 500]);
  });
});
