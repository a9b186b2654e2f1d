/**
 * `/admin/v1/tenants/{tenantId}/event-streams[/{streamId}]` (docs/events.md): a tenant's event streams
 * in the Shared Signals vocabulary, plus their dead letters and redrive. Thin: each handler calls the
 * stream service (events/stream-service.ts), the same one the CLI and tenants.json use. A poll
 * stream's credential appears once, in the 201 of its creation or of `POST …/poll-credential` (a new one,
 * replacing the old: how a stream declared in tenants.json for a deploy gets its first), as
 * `delivery.authorization_header`.
 */
import * as z from 'zod/mini';
import { streamCreateSchema, streamUpdateSchema } from '../events/stream-config';
import {
  createStream,
  deadLetters,
  deleteStream,
  getStream,
  issuePollCredential,
  listStreams,
  redriveStream,
  updateStream,
  type CreatedStream,
} from '../events/stream-service';
import { json, operation, type AdminOperation } from './operation';

const streamView = z.object({
  stream_id: z.string(),
  iss: z.string(),
  aud: z.string(),
  delivery: z.object({
    method: z.enum(['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936']),
    endpoint_url: z.string(),
    /** Push: whether a header is set (it is never returned). Poll: the credential, in the creation's answer only. */
    authorization_header_set: z.optional(z.boolean()),
    authorization_header: z.optional(z.string()),
  }),
  events_supported: z.array(z.string()),
  events_requested: z.array(z.string()),
  events_delivered: z.array(z.string()),
  form: z.enum(['notice', 'full']),
  retention_days: z.number(),
  retry_period_hours: z.optional(z.number()),
  description: z.optional(z.string()),
  created: z.string(),
  last_modified: z.string(),
});

const deadLetterView = z.object({
  jti: z.string(),
  resource: z.string(),
  attempts: z.number(),
  error: z.optional(z.object({ status: z.number(), err: z.optional(z.string()), description: z.optional(z.string()) })),
  died: z.optional(z.string()),
  set: z.optional(z.string()),
});

const TAG = 'Event streams';

/** The stream as answered once with its new poll credential (`delivery.authorization_header`). */
function withCredential({ stream, pollCredential }: CreatedStream): Record<string, unknown> {
  if (!pollCredential) return stream;
  return { ...stream, delivery: { ...(stream.delivery as Record<string, unknown>), authorization_header: `Bearer ${pollCredential}` } };
}
const BASE = '/tenants/{tenantId}/event-streams';

export const eventStreamRoutes: readonly AdminOperation[] = [
  operation({
    method: 'POST',
    path: BASE,
    operationId: 'createEventStream',
    summary: 'Create an event stream (RFC 8935 push or RFC 8936 poll of signed SETs).',
    tag: TAG,
    requestBody: streamCreateSchema,
    responses: {
      201: { description: 'The stream; a poll stream’s credential is in delivery.authorization_header, this once.', body: streamView },
    },
    problems: ['not-found', 'already-exists'],
    handle: async ({ db, params, body, apiUrl }) => {
      const tenantId = params.tenantId ?? '';
      const created = await createStream(db, tenantId, body);
      const location = `${apiUrl}/admin/v1/tenants/${tenantId}/event-streams/${String(created.stream.stream_id)}`;
      return json(201, withCredential(created), { Location: location });
    },
  }),
  operation({
    method: 'GET',
    path: BASE,
    operationId: 'listEventStreams',
    summary: 'List a tenant’s event streams.',
    tag: TAG,
    responses: { 200: { description: 'The streams, by id.', body: z.object({ items: z.array(streamView) }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { items: await listStreams(db, params.tenantId ?? '') }),
  }),
  operation({
    method: 'GET',
    path: `${BASE}/{streamId}`,
    operationId: 'getEventStream',
    summary: 'Read an event stream.',
    tag: TAG,
    responses: { 200: { description: 'The stream.', body: streamView } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, await getStream(db, params.tenantId ?? '', params.streamId ?? '')),
  }),
  operation({
    method: 'PATCH',
    path: `${BASE}/{streamId}`,
    operationId: 'updateEventStream',
    summary: 'Change an event stream (not its delivery method).',
    tag: TAG,
    requestBody: streamUpdateSchema,
    responses: { 200: { description: 'The stream.', body: streamView } },
    problems: ['not-found'],
    handle: async ({ db, params, body }) => json(200, await updateStream(db, params.tenantId ?? '', params.streamId ?? '', body)),
  }),
  operation({
    method: 'DELETE',
    path: `${BASE}/{streamId}`,
    operationId: 'deleteEventStream',
    summary: 'Delete an event stream; its undelivered SETs expire with its retention.',
    tag: TAG,
    responses: { 204: { description: 'Deleted.' } },
    problems: ['not-found'],
    handle: async ({ db, params }) => {
      await deleteStream(db, params.tenantId ?? '', params.streamId ?? '');
      return { status: 204 };
    },
  }),
  operation({
    method: 'POST',
    path: `${BASE}/{streamId}/poll-credential`,
    operationId: 'issueEventStreamPollCredential',
    summary:
      'A new credential for a poll stream (its first, for one declared in tenants.json; or a replacement: the old one stops at once).',
    tag: TAG,
    responses: {
      201: { description: 'The stream with its new credential in delivery.authorization_header, this once.', body: streamView },
    },
    problems: ['not-found', 'invalid-input'],
    handle: async ({ db, params }) =>
      json(201, withCredential(await issuePollCredential(db, params.tenantId ?? '', params.streamId ?? ''))),
  }),
  operation({
    method: 'GET',
    path: `${BASE}/{streamId}/dead-letters`,
    operationId: 'listEventStreamDeadLetters',
    summary: 'The SETs that failed for good, with their last error and the SET itself.',
    tag: TAG,
    responses: { 200: { description: 'The dead letters.', body: z.object({ items: z.array(deadLetterView) }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { items: await deadLetters(db, params.tenantId ?? '', params.streamId ?? '', true) }),
  }),
  operation({
    method: 'POST',
    path: `${BASE}/{streamId}/redrive`,
    operationId: 'redriveEventStream',
    summary: 'Send the stream’s dead letters again (same jti).',
    tag: TAG,
    responses: { 200: { description: 'How many went back to delivery.', body: z.object({ redriven: z.number() }) } },
    problems: ['not-found'],
    handle: async ({ db, params }) => json(200, { redriven: await redriveStream(db, params.tenantId ?? '', params.streamId ?? '') }),
  }),
];
