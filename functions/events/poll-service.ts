/**
 * RFC 8936 poll delivery: the receiver POSTs `{maxEvents, returnImmediately, ack, setErrs}` to its
 * stream's poll URL with the stream's poll credential and gets `{sets: {jti: SET}, moreAvailable}`.
 * Acknowledged SETs are deleted, SETs the receiver reports in `setErrs` become dead letters with its
 * error, and the answer holds the oldest pending SETs; a SET not acknowledged is returned again
 * (RFC 8936 §2.4). With `returnImmediately: false` and nothing pending, the request waits (bounded).
 * A stream of an unknown tenant, of one being deleted or of a disabled one is refused like an unknown stream (401).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Db } from '../store/db';
import { deletePendingSet, getPendingSet, moveToDeadLetters, readPendingSets } from '../store/outbox-items';
import { getEventStream, type StoredEventStream } from '../store/event-stream-items';
import { getTenant } from '../store/tenants';
import { acceptsPollCredential } from '../commons/served-tenant';
import { hashesEqual } from '../credentials/secret-token';
import { describeIssues } from './stream-config';
import { POLL_CREDENTIAL_PREFIX } from './stream-service';

/** SETs per answer when the receiver does not say (and at most). */
export const DEFAULT_MAX_EVENTS = 25;
export const MAX_EVENTS = 250;
/** Long polling waits at most this long (under API Gateway's 29 s integration timeout). */
export const MAX_WAIT_MS = 20_000;
const WAIT_STEP_MS = 250;
/** Acks and errors one request may carry. */
const MAX_ACKS = 1000;

const pollRequestSchema = z.object({
  maxEvents: z.optional(z.int().check(z.gte(0), z.lte(MAX_EVENTS))),
  returnImmediately: z.optional(z.boolean()),
  ack: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(MAX_ACKS))),
  setErrs: z.optional(
    z.record(z.string().check(z.minLength(1), z.maxLength(64)), z.object({ err: z.string(), description: z.optional(z.string()) })),
  ),
});

export interface PollAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface PollOptions {
  /** Longest wait for a long poll (ms); MAX_WAIT_MS by default, less when the function has less time left. */
  readonly maxWaitMs?: number;
}

const problem = (status: number, err: string, description: string, headers: Record<string, string> = {}): PollAnswer => ({
  status,
  headers,
  body: { err, description },
});

async function authenticated(db: Db, tenantId: string, streamId: string, authorization: string | undefined) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const credential = match?.[1];
  if (!credential?.startsWith(POLL_CREDENTIAL_PREFIX)) return undefined;
  const [tenant, stream] = await Promise.all([getTenant(db, tenantId), getEventStream(db, tenantId, streamId)]);
  // A tenant being deleted has no streams any more, from the DELETE's 202 on; a disabled one's credentials are refused.
  if (!acceptsPollCredential(tenant) || !stream || stream.method !== 'poll' || !stream.pollTokenHash) return undefined;
  const hash = createHash('sha256').update(credential, 'utf8').digest('hex');
  return hashesEqual(hash, stream.pollTokenHash) ? stream : undefined;
}

export async function poll(
  db: Db,
  request: { tenantId: string; streamId: string; authorization: string | undefined; body: string },
  options: PollOptions = {},
): Promise<PollAnswer> {
  const stream = await authenticated(db, request.tenantId, request.streamId, request.authorization);
  if (!stream)
    return problem(401, 'authentication_failed', 'The poll credential is missing or not this stream’s.', { 'WWW-Authenticate': 'Bearer' });
  let json: unknown;
  try {
    json = request.body.trim() === '' ? {} : JSON.parse(request.body);
  } catch {
    return problem(400, 'invalid_request', 'The body is not JSON.');
  }
  const parsed = pollRequestSchema.safeParse(json);
  if (!parsed.success) return problem(400, 'invalid_request', describeIssues(parsed.error));
  const { maxEvents = DEFAULT_MAX_EVENTS, returnImmediately = false, ack = [], setErrs = {} } = parsed.data;
  await settle(db, stream, ack, setErrs);
  const deadline = Date.now() + Math.min(options.maxWaitMs ?? MAX_WAIT_MS, MAX_WAIT_MS);
  for (;;) {
    const page = maxEvents === 0 ? { sets: [] } : await readPendingSets(db, stream.tenantId, stream.streamId, maxEvents + 1);
    const sets = page.sets.slice(0, maxEvents);
    const more = page.sets.length > maxEvents || ('lastKey' in page && page.lastKey !== undefined && page.sets.length >= maxEvents);
    if (sets.length > 0 || returnImmediately || maxEvents === 0 || Date.now() + WAIT_STEP_MS > deadline) {
      return { status: 200, body: { sets: Object.fromEntries(sets.map((s) => [s.jti, s.set])), moreAvailable: more } };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

/** Acks delete; errors move the SET to the dead letters with the receiver's `err` and description. */
async function settle(
  db: Db,
  stream: StoredEventStream,
  ack: readonly string[],
  setErrs: Record<string, { err: string; description?: string }>,
) {
  await Promise.all(ack.map((jti) => deletePendingSet(db, stream.tenantId, stream.streamId, jti)));
  await Promise.all(
    Object.entries(setErrs).map(async ([jti, error]) => {
      const pending = await getPendingSet(db, stream.tenantId, stream.streamId, jti);
      if (!pending) return;
      const recorded = {
        status: 0,
        err: error.err.slice(0, 64),
        ...(error.description ? { description: error.description.slice(0, 512) } : {}),
      };
      await moveToDeadLetters(db, pending, recorded, stream.retentionDays * 86_400);
    }),
  );
}
