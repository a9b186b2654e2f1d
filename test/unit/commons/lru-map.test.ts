/**
 * functions/commons/lru-map.ts, which bundles carry in place of mnemonist's LRU cache (the SDK's
 * endpoint-discovery cache uses it): any sequence of get, peek, has, set and clear answers as a
 * least-recently-used list of the same capacity does.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import LruMap from '../../../functions/commons/lru-map';

type Operation = { op: 'get' | 'peek' | 'has' | 'set'; key: number; value: number } | { op: 'clear' };

/** The model: entries oldest first; a use moves an entry to the end; past capacity the first goes. */
function model(capacity: number) {
  let entries: [number, number][] = [];
  const find = (key: number) => entries.find(([k]) => k === key);
  const touch = (key: number) => {
    const entry = find(key);
    if (entry) entries = [...entries.filter(([k]) => k !== key), entry];
    return entry?.[1];
  };
  return {
    get: (key: number) => touch(key),
    peek: (key: number) => find(key)?.[1],
    has: (key: number) => find(key) !== undefined,
    set: (key: number, value: number) => {
      entries = [...entries.filter(([k]) => k !== key), [key, value]];
      if (entries.length > capacity) entries = entries.slice(1);
    },
    clear: () => {
      entries = [];
    },
    keys: () => entries.map(([k]) => k),
  };
}

// Mostly sets and reads (a clear now and then), so that the cache fills, evicts and is read after.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(6), value: fc.nat(99) }), weight: 8 },
  {
    arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key: fc.nat(6), value: fc.nat(99) }),
    weight: 8,
  },
  { arbitrary: fc.constant({ op: 'clear' as const }), weight: 1 },
);

describe('LruMap', () => {
  it('answers every operation as a least-recently-used list of the same capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(operation, { maxLength: 60 }), (capacity, operations) => {
        const lru = new LruMap<number, number>(capacity);
        const expected = model(capacity);
        for (const step of operations) {
          if (step.op === 'clear') {
            lru.clear();
            expected.clear();
          } else if (step.op === 'set') {
            lru.set(step.key, step.value);
            expected.set(step.key, step.value);
          } else {
            expect(lru[step.op](step.key)).toEqual(expected[step.op](step.key));
          }
          expect(lru.size).toBe(expected.keys().length);
        }
        for (const key of [0, 1, 2, 3, 4, 5, 6]) expect(lru.peek(key)).toEqual(expected.peek(key));
      }),
      { numRuns: 300 },
    );
  });

  it('evicts the least recently used, where a get counts as a use and a peek does not', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1).set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([true, false, true]);
    lru.peek('a');
    lru.set('d', 4);
    expect([lru.has('a'), lru.has('c'), lru.has('d')]).toEqual([false, true, true]);
  });
});
