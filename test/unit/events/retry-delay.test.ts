/**
 * The push retry wait (functions/events/push-delivery.ts `retryDelay`, docs/events.md "Retries"):
 * exponential backoff with EQUAL jitter — after n failures a wait between half and all of
 * base × 2^(n-1), capped at 15 minutes — so a retry never comes at once (full jitter could wait 0).
 */
import { afterEach, expect, it, jest } from '@jest/globals';
import { environment } from '../../../functions/commons/environment';
import { MAX_RETRY_WAIT_MS, retryDelay } from '../../../functions/events/push-delivery';

const BASE_MS = 5_000;
const ceilingOf = (attempts: number) => Math.min(MAX_RETRY_WAIT_MS, BASE_MS * 2 ** (attempts - 1));

afterEach(() => {
  jest.restoreAllMocks();
});

it('waits between half and all of base × 2^(n-1), capped at 15 minutes, for every attempt', () => {
  for (let attempts = 1; attempts <= 40; attempts++) {
    const ceiling = ceilingOf(attempts);
    for (let sample = 0; sample < 50; sample++) {
      const wait = retryDelay(attempts, BASE_MS);
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    }
  }
  expect(ceilingOf(1)).toBe(5_000);
  expect(ceilingOf(40)).toBe(15 * 60_000);
});

it('reaches both ends of its range: half the ceiling (never 0) and the ceiling', () => {
  const random = jest.spyOn(Math, 'random');
  random.mockReturnValue(0);
  expect(retryDelay(1, BASE_MS)).toBe(2_500);
  expect(retryDelay(3, BASE_MS)).toBe(10_000);
  expect(retryDelay(40, BASE_MS)).toBe(MAX_RETRY_WAIT_MS / 2);
  random.mockReturnValue(1 - Number.EPSILON);
  expect(retryDelay(1, BASE_MS)).toBeCloseTo(5_000, 6);
  expect(retryDelay(40, BASE_MS)).toBeCloseTo(MAX_RETRY_WAIT_MS, 6);
});

it('takes its base from EVENTS_RETRY_BASE_MS (5 s when unset)', () => {
  jest.spyOn(Math, 'random').mockReturnValue(0);
  const saved = process.env.EVENTS_RETRY_BASE_MS;
  try {
    delete process.env.EVENTS_RETRY_BASE_MS;
    expect(retryDelay(1)).toBe(2_500);
    process.env.EVENTS_RETRY_BASE_MS = '40';
    expect(retryDelay(2)).toBe(40);
  } finally {
    if (saved === undefined) delete process.env.EVENTS_RETRY_BASE_MS;
    else process.env.EVENTS_RETRY_BASE_MS = saved;
  }
});

it('gives a receiver 5 s to answer a POST unless EVENTS_PUSH_TIMEOUT_MS says otherwise, at most 30 s', () => {
  const saved = process.env.EVENTS_PUSH_TIMEOUT_MS;
  const timeoutWith = (value: string) => {
    process.env.EVENTS_PUSH_TIMEOUT_MS = value;
    return environment.eventsPushTimeoutMs();
  };
  try {
    expect(['', '1000', '30000', '30001', '0', 'x'].map(timeoutWith)).toEqual([5_000, 1_000, 30_000, 30_000, 5_000, 5_000]);
  } finally {
    if (saved === undefined) delete process.env.EVENTS_PUSH_TIMEOUT_MS;
    else process.env.EVENTS_PUSH_TIMEOUT_MS = saved;
  }
});
