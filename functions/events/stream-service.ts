/**
 * Event streams per tenant (docs/events.md): create, read, change, delete and redrive, for every
 * writer (admin API, `scim-admin streams`, tenants.json). Validates the SSF stream configuration,
 * seals a push stream's Authorization header, issues a poll stream's credential (shown once, only its
 * hash stored; issued again on request, replacing it) and answers the stream's SSF representation, which never carries a secret.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { environment } from '../commons/environment';
import { ServiceError, type ServiceErrorKind } from '../commons/service-errors';
import { servedTenant } from '../commons/served-tenant';
import type { Db } from '../store/db';
import { listDeadLetters, redriveDeadLetters } from '../store/outbox-items';
import {
  createEventStream,
  deleteEventStream,
  getEventStream,
  listEventStreams,
  replaceEventStream,
  setPollTokenHash,
  StreamExists,
  type StoredEventStream,
} from '../store/event-stream-items';
import { getTenant } from '../store/tenants';
import { sealSecret } from './sealed-secret';
import { checkPushUrl } from './push-url';
import {
  DEFAULT_RETENTION_DAYS,
  DEFAULT_RETRY_HOURS,
  describeIssues,
  eventsSupported,
  POLL_METHOD,
  PUSH_METHOD,
  streamCreateSchema,
  streamUpdateSchema,
  type StreamCreate,
} from './stream-config';

/**
 * A refused stream request: `status` 400 (invalid), 404 (no such tenant or stream) or 409 (id taken);
 * a service error of the matching kind (commons/service-errors.ts), so the admin API answers the
 * matching problem and the CLI the matching exit code.
 */
export class StreamError extends ServiceError {
  readonly kind: ServiceErrorKind;
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'StreamError';
    this.kind = status === 404 ? 'not-found' : status === 409 ? 'already-exists' : 'invalid-input';
  }
}

export const POLL_CREDENTIAL_PREFIX = 'ssfp_';
const hashCredential = (credential: string) => createHash('sha256').update(credential, 'utf8').digest('hex');

/** The poll URL of a stream (RFC 8936 `endpoint_url`). */
export const pollUrlOf = (issuer: string, tenantId: string, streamId: string) =>
  `${issuer}/ssf/tenants/${tenantId}/streams/${streamId}/poll`;

/** The SSF representation (never a secret). */
export function representationOf(stream: StoredEventStream, issuer: string = environment.ssfIssuer()): Record<string, unknown> {
  const supported = eventsSupported(stream.form);
  return {
    stream_id: stream.streamId,
    iss: issuer,
    aud: stream.audience,
    delivery:
      stream.method === 'push'
        ? { method: PUSH_METHOD, endpoint_url: stream.endpointUrl, authorization_header_set: stream.sealedAuthorization !== undefined }
        : { method: POLL_METHOD, endpoint_url: pollUrlOf(issuer, stream.tenantId, stream.streamId) },
    events_supported: supported,
    events_requested: stream.eventsRequested,
    events_delivered: stream.eventsRequested.filter((uri) => supported.includes(uri)),
    form: stream.form,
    retention_days: stream.retentionDays,
    ...(stream.method === 'push' ? { retry_period_hours: stream.retryHours } : {}),
    ...(stream.description !== undefined ? { description: stream.description } : {}),
    created: stream.created,
    last_modified: stream.lastModified,
  };
}

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] } },
  body: unknown,
): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new StreamError(400, describeIssues(parsed.error));
  return parsed.data;
}

function checkEvents(requested: readonly string[] | undefined, form: 'notice' | 'full'): string[] {
  const supported = eventsSupported(form);
  if (requested === undefined) return supported;
  const unknown = requested.filter((uri) => !supported.includes(uri));
  if (unknown.length > 0) throw new StreamError(400, `events_requested: not events of the ${form} form: ${unknown.join(', ')}`);
  if (requested.length === 0) throw new StreamError(400, 'events_requested: at least one event URI');
  return [...new Set(requested)];
}

/** StreamError 404 for an unknown tenant; InvalidState (409) while it is being deleted (commons/served-tenant.ts). */
async function existingTenant(db: Db, tenantId: string): Promise<void> {
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new StreamError(404, `no tenant ${tenantId}`);
  servedTenant(tenant, tenantId);
}

function pushUrl(url: string): string {
  const problem = checkPushUrl(url);
  if (problem) throw new StreamError(400, `delivery.endpoint_url: ${problem}`);
  return url;
}

export interface CreatedStream {
  readonly stream: Record<string, unknown>;
  /** Poll streams: the credential the receiver sends as `Authorization: Bearer …`, shown this once. */
  readonly pollCredential?: string;
}

const newPollCredential = (): string => POLL_CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');

/**
 * `pollCredential: 'later'` creates a poll stream without a credential (a deploy's seed, which has nowhere
 * to show one): its SETs are kept from the start, and its poll URL refuses every request until
 * issuePollCredential gives it one.
 */
export async function createStream(
  db: Db,
  tenantId: string,
  body: unknown,
  options: { readonly pollCredential?: 'issue' | 'later' } = {},
): Promise<CreatedStream> {
  const input: StreamCreate = parse(streamCreateSchema, body);
  await existingTenant(db, tenantId);
  const streamId = input.stream_id ?? randomUUID();
  const form = input.form ?? 'notice';
  const issuer = environment.ssfIssuer();
  const now = new Date().toISOString();
  const pollCredential = input.delivery.method === POLL_METHOD && options.pollCredential !== 'later' ? newPollCredential() : undefined;
  const push = input.delivery.method === PUSH_METHOD ? input.delivery : undefined;
  const stored: StoredEventStream = {
    tenantId,
    streamId,
    method: push ? 'push' : 'poll',
    ...(push ? { endpointUrl: pushUrl(push.endpoint_url) } : {}),
    ...(push?.authorization_header ? { sealedAuthorization: await sealSecret(push.authorization_header, { tenantId, streamId }) } : {}),
    ...(pollCredential ? { pollTokenHash: hashCredential(pollCredential) } : {}),
    audience: input.aud ?? (push ? push.endpoint_url : pollUrlOf(issuer, tenantId, streamId)),
    eventsRequested: checkEvents(input.events_requested, form),
    form,
    retentionDays: input.retention_days ?? DEFAULT_RETENTION_DAYS,
    retryHours: input.retry_period_hours ?? DEFAULT_RETRY_HOURS,
    ...(input.description !== undefined ? { description: input.description } : {}),
    created: now,
    lastModified: now,
  };
  try {
    await createEventStream(db, stored);
  } catch (error) {
    if (error instanceof StreamExists) throw new StreamError(409, `stream ${streamId} exists`);
    throw error;
  }
  return { stream: representationOf(stored, issuer), ...(pollCredential ? { pollCredential } : {}) };
}

async function existingStream(db: Db, tenantId: string, streamId: string): Promise<StoredEventStream> {
  const [tenant, stream] = await Promise.all([getTenant(db, tenantId), getEventStream(db, tenantId, streamId)]);
  if (tenant) servedTenant(tenant, tenantId);
  if (!stream) throw new StreamError(404, `no stream ${streamId} for tenant ${tenantId}`);
  return stream;
}

export async function listStreams(db: Db, tenantId: string): Promise<Record<string, unknown>[]> {
  await existingTenant(db, tenantId);
  return (await listEventStreams(db, tenantId)).map((s) => representationOf(s));
}

export const getStream = async (db: Db, tenantId: string, streamId: string) =>
  representationOf(await existingStream(db, tenantId, streamId));

export async function updateStream(db: Db, tenantId: string, streamId: string, body: unknown): Promise<Record<string, unknown>> {
  const input = parse(streamUpdateSchema, body);
  const current = await existingStream(db, tenantId, streamId);
  const method = input.delivery?.method === PUSH_METHOD ? 'push' : input.delivery ? 'poll' : current.method;
  if (method !== current.method) throw new StreamError(400, 'delivery.method cannot change: create another stream');
  const push = input.delivery?.method === PUSH_METHOD ? input.delivery : undefined;
  const form = input.form ?? current.form;
  const sealedAuthorization = push
    ? push.authorization_header
      ? await sealSecret(push.authorization_header, { tenantId, streamId })
      : undefined
    : current.sealedAuthorization;
  const { sealedAuthorization: _old, ...rest } = current;
  const next: StoredEventStream = {
    ...rest,
    ...(push ? { endpointUrl: pushUrl(push.endpoint_url) } : {}),
    ...(sealedAuthorization ? { sealedAuthorization } : {}),
    ...(input.aud !== undefined ? { audience: input.aud } : {}),
    eventsRequested: checkEvents(input.events_requested ?? (input.form ? undefined : current.eventsRequested), form),
    form,
    ...(input.retention_days !== undefined ? { retentionDays: input.retention_days } : {}),
    ...(input.retry_period_hours !== undefined ? { retryHours: input.retry_period_hours } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    lastModified: new Date().toISOString(),
  };
  if (!(await replaceEventStream(db, next))) throw new StreamError(404, `no stream ${streamId} for tenant ${tenantId}`);
  return representationOf(next);
}

/**
 * A new credential for a poll stream, shown this once: the first of a stream a deploy created, or a
 * replacement (the old one stops at once; SETs not yet acknowledged stay pending for the new one).
 */
export async function issuePollCredential(db: Db, tenantId: string, streamId: string): Promise<CreatedStream> {
  const current = await existingStream(db, tenantId, streamId);
  if (current.method !== 'poll') throw new StreamError(400, 'delivery.method: only a poll stream has a poll credential');
  const pollCredential = newPollCredential();
  const lastModified = new Date().toISOString();
  if (!(await setPollTokenHash(db, current, hashCredential(pollCredential), lastModified)))
    throw new StreamError(404, `no stream ${streamId} for tenant ${tenantId}`);
  return { stream: representationOf({ ...current, lastModified }), pollCredential };
}

export async function deleteStream(db: Db, tenantId: string, streamId: string): Promise<void> {
  if (!(await deleteEventStream(db, tenantId, streamId))) throw new StreamError(404, `no stream ${streamId} for tenant ${tenantId}`);
}

/** The stream's dead letters: jti, attempts, last error, when it failed; `set` only when asked. */
export async function deadLetters(db: Db, tenantId: string, streamId: string, withSets = false): Promise<Record<string, unknown>[]> {
  await existingStream(db, tenantId, streamId);
  return (await listDeadLetters(db, tenantId, streamId)).map((d) => ({
    jti: d.jti,
    resource: d.resource,
    attempts: d.attempts,
    error: d.lastError,
    died: d.diedAt !== undefined ? new Date(d.diedAt).toISOString() : undefined,
    ...(withSets ? { set: d.set } : {}),
  }));
}

/** Moves the stream's dead letters back to delivery; returns how many. */
export async function redriveStream(db: Db, tenantId: string, streamId: string): Promise<number> {
  const stream = await existingStream(db, tenantId, streamId);
  return redriveDeadLetters(db, tenantId, streamId, stream.retentionDays * 86_400);
}
