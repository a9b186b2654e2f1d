/**
 * RFC 8935 push delivery of one stream's outbox (docs/events.md). One pass at a time per stream (a
 * lease on the stream item); a pass reads the pending SETs oldest first, takes the first of each
 * resource (lowest version, then chunk) and POSTs those that are due, in parallel; a resource whose
 * first SET waits for a retry holds back its later SETs and nothing else. Outcomes:
 *  - 2xx (RFC 8935: 202): delivered, the SET is deleted;
 *  - 400 (RFC 8935 §2.3 `err`), other 4xx but 408/429, and redirects (not followed): permanent, the SET becomes a dead letter
 *    with the status, `err` and description;
 *  - network error, timeout, 408, 429, 5xx: retried with exponential backoff and jitter until the
 *    stream's retry period has passed since the first failure, then a dead letter.
 */
import { randomUUID } from 'node:crypto';
import { environment } from '../commons/environment';
import { isServed } from '../commons/served-tenant';
import type { Db } from '../store/db';
import {
  deletePendingSet,
  moveToDeadLetters,
  readPendingSets,
  recordRetry,
  type DeliveryError,
  type OutboxSet,
} from '../store/outbox-items';
import { releaseDeliveryLease, takeDeliveryLease, type StoredEventStream } from '../store/event-stream-items';
import type { StartKey } from '../store/paging';
import { getTenant } from '../store/tenants';
import { checkPushUrl } from './push-url';
import { openSecret } from './sealed-secret';

/** No retry waits longer than this. */
export const MAX_RETRY_WAIT_MS = 15 * 60_000;
/** Pending SETs a pass looks at (so a resource stuck at the front cannot hide all others). */
const SCAN_LIMIT = 1_000;
const PAGE = 200;
/** POSTs in flight per stream. */
const PARALLEL = 8;

export interface PushOptions {
  /** The pass stops starting POSTs after this (epoch ms). */
  readonly deadline: number;
  readonly fetch?: typeof fetch;
  readonly log?: (line: string) => void;
}

export interface PassResult {
  delivered: number;
  retried: number;
  dead: number;
  /** False when another pass held the stream. */
  ran: boolean;
}

/** Retry wait after `attempts` failures: up to base × 2^(attempts-1), at least half of it, capped. */
export function retryDelay(attempts: number, baseMs: number = environment.eventsRetryBaseMs()): number {
  const ceiling = Math.min(MAX_RETRY_WAIT_MS, baseMs * 2 ** Math.min(attempts - 1, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** One delivery pass over a push stream; returns what happened. */
export async function deliverStream(db: Db, stream: StoredEventStream, options: PushOptions): Promise<PassResult> {
  const result: PassResult = { delivered: 0, retried: 0, dead: 0, ran: false };
  if (stream.method !== 'push' || !stream.endpointUrl) return result;
  // A tenant being deleted gets nothing pushed from the DELETE's 202 on; its SETs wait for the purge (commons/served-tenant.ts).
  if (!isServed(await getTenant(db, stream.tenantId))) return result;
  const owner = randomUUID();
  if (!(await takeDeliveryLease(db, stream.tenantId, stream.streamId, owner, options.deadline + environment.eventsPushTimeoutMs() + 5_000)))
    return result;
  result.ran = true;
  try {
    const authorization = stream.sealedAuthorization
      ? await openSecret(stream.sealedAuthorization, { tenantId: stream.tenantId, streamId: stream.streamId })
      : undefined;
    while (Date.now() < options.deadline) {
      const heads = dueHeads(await pendingWindow(db, stream), Date.now());
      if (heads.length === 0) break;
      const before = result.delivered + result.dead;
      await inParallel(heads, PARALLEL, (set) => deliverOne(db, stream, set, authorization, options, result));
      // Nothing left the outbox: the rest waits for retries (the next pass or the schedule).
      if (result.delivered + result.dead === before) break;
    }
  } finally {
    await releaseDeliveryLease(db, stream.tenantId, stream.streamId, owner);
  }
  return result;
}

async function pendingWindow(db: Db, stream: StoredEventStream): Promise<OutboxSet[]> {
  const sets: OutboxSet[] = [];
  let startKey: StartKey | undefined;
  do {
    const page = await readPendingSets(db, stream.tenantId, stream.streamId, PAGE, startKey);
    sets.push(...page.sets);
    startKey = page.lastKey;
  } while (startKey && sets.length < SCAN_LIMIT);
  return sets;
}

/** The first SET of each resource (lowest version, then chunk), when it is due. */
export function dueHeads(sets: readonly OutboxSet[], now: number): OutboxSet[] {
  const first = new Map<string, OutboxSet>();
  for (const set of sets) {
    const current = first.get(set.resource);
    if (!current || set.version < current.version || (set.version === current.version && set.chunk < current.chunk)) {
      first.set(set.resource, set);
    }
  }
  return [...first.values()].filter((set) => set.nextAttemptAt <= now);
}

async function inParallel<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

type Outcome = { kind: 'delivered' } | { kind: 'permanent'; error: DeliveryError } | { kind: 'transient'; error: DeliveryError };

async function deliverOne(
  db: Db,
  stream: StoredEventStream,
  set: OutboxSet,
  authorization: string | undefined,
  options: PushOptions,
  result: PassResult,
): Promise<void> {
  const outcome = await post(stream.endpointUrl as string, set.set, authorization, options.fetch ?? fetch);
  const keepSeconds = stream.retentionDays * 86_400;
  if (outcome.kind === 'delivered') {
    await deletePendingSet(db, stream.tenantId, stream.streamId, set.jti);
    result.delivered += 1;
    return;
  }
  const now = Date.now();
  const retryEnds = (set.firstFailedAt ?? now) + stream.retryHours * 3_600_000;
  if (outcome.kind === 'permanent' || now >= retryEnds) {
    await moveToDeadLetters(db, set, outcome.error, keepSeconds);
    options.log?.(
      `event stream ${stream.tenantId}/${stream.streamId}: SET ${set.jti} dead (${outcome.error.status} ${outcome.error.err ?? ''})`,
    );
    result.dead += 1;
    return;
  }
  await recordRetry(db, set, Math.min(now + retryDelay(set.attempts + 1), retryEnds), outcome.error);
  result.retried += 1;
}

/** One RFC 8935 POST and what its answer means. */
async function post(url: string, set: string, authorization: string | undefined, send: typeof fetch): Promise<Outcome> {
  const refused = checkPushUrl(url);
  if (refused) return { kind: 'permanent', error: { status: 0, err: 'invalid_endpoint', description: refused } };
  let response: Response;
  try {
    response = await send(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/secevent+jwt',
        Accept: 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: set,
      redirect: 'manual',
      signal: AbortSignal.timeout(environment.eventsPushTimeoutMs()),
    });
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    return { kind: 'transient', error: { status: 0, description: timeout ? 'timeout' : 'network error' } };
  }
  const text = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
  const error: DeliveryError = { status: response.status, ...receiverError(text) };
  const transient = response.status >= 500 || response.status === 429 || response.status === 408;
  return transient ? { kind: 'transient', error } : { kind: 'permanent', error };
}

/** RFC 8935 §2.3 `{"err", "description"}`, bounded in size; nothing when the body is not that. */
function receiverError(text: string): Pick<DeliveryError, 'err' | 'description'> {
  try {
    const body = JSON.parse(text) as { err?: unknown; description?: unknown };
    return {
      ...(typeof body.err === 'string' ? { err: body.err.slice(0, 64) } : {}),
      ...(typeof body.description === 'string' ? { description: body.description.slice(0, 512) } : {}),
    };
  } catch {
    return {};
  }
}
