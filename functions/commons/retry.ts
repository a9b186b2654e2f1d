/**
 * The one retry delay: exponential backoff with full jitter (a random wait up to base × 2^attempt,
 * capped), so callers retrying the same throttled partition or conflicting item spread out.
 */
export interface BackoffOptions {
  /** Upper bound of the first retry's wait. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly capMs: number;
}

export const backoffDelay = (attempt: number, { baseMs, capMs }: BackoffOptions): number =>
  Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));

export const backoff = (attempt: number, options: BackoffOptions): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, options)));
