/**
 * The event stream configuration as tenants' admins write it: the OpenID Shared Signals Framework's
 * stream-configuration vocabulary (`delivery.method`, `delivery.endpoint_url`,
 * `delivery.authorization_header`, `events_requested`, …) plus the RFC 9967 `form` and this service's
 * retention and retry period. Used by the admin API, `scim-admin streams` and tenants.json alike.
 */
import * as z from 'zod/mini';
import { eventUrisOf, type EventForm } from './change-event';

export const PUSH_METHOD = 'urn:ietf:rfc:8935';
export const POLL_METHOD = 'urn:ietf:rfc:8936';
export const STREAM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Defaults: SETs kept 7 days (poll, pending push), pushes retried for 24 hours. */
export const DEFAULT_RETENTION_DAYS = 7;
export const DEFAULT_RETRY_HOURS = 24;

const delivery = z.union([
  z.strictObject({
    method: z.literal(PUSH_METHOD),
    endpoint_url: z.string().check(z.minLength(1), z.maxLength(2048)),
    /** The value of the Authorization header of each push (e.g. `Bearer …`); stored sealed, never returned. */
    authorization_header: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  }),
  z.strictObject({ method: z.literal(POLL_METHOD) }),
]);

const common = {
  /** The receiver's audience (the SETs' `aud`); default: the push URL, or the poll URL. */
  aud: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** RFC 9967 event URIs of the stream's form; absent: all. */
  events_requested: z.optional(z.array(z.string())),
  /** RFC 9967 form: `notice` (attribute names, no values) or `full` (the resource's values). */
  form: z.optional(z.enum(['notice', 'full'])),
  description: z.optional(z.string().check(z.maxLength(256))),
  /** How long a SET is kept for delivery (poll: until acknowledged) and a dead letter for redrive. */
  retention_days: z.optional(z.int().check(z.gte(1), z.lte(14))),
  /** How long a push is retried before its SET goes to the dead letters. */
  retry_period_hours: z.optional(z.number().check(z.gt(0), z.lte(72))),
};

/** Unknown members are refused (400), as everywhere in the admin API. */
export const streamCreateSchema = z.strictObject({
  stream_id: z.optional(z.string().check(z.regex(STREAM_ID_PATTERN, 'stream_id: lowercase letters, digits and dashes, 1-63 characters'))),
  delivery,
  ...common,
});

/**
 * A stream declared in tenants.json: an id is required (it is the stream's identity across deploys)
 * and a push stream carries no Authorization header (the file is committed; add one with the CLI).
 */
export const declaredStreamSchema = z.object({
  stream_id: z.string().check(z.regex(STREAM_ID_PATTERN, 'stream_id: lowercase letters, digits and dashes, 1-63 characters')),
  delivery: z.union([
    z.strictObject({ method: z.literal(PUSH_METHOD), endpoint_url: z.string().check(z.minLength(1), z.maxLength(2048)) }),
    z.object({ method: z.literal(POLL_METHOD) }),
  ]),
  ...common,
});

export type DeclaredStream = z.infer<typeof declaredStreamSchema>;

/** PATCH: any of the members; the delivery method itself cannot change (make a new stream). */
export const streamUpdateSchema = z.strictObject({ delivery: z.optional(delivery), ...common });

export type StreamCreate = z.infer<typeof streamCreateSchema>;

/** The event URIs a stream of this form can ask for (events_supported). */
export const eventsSupported = (form: EventForm): string[] => eventUrisOf(form);

/** The zod issues as one line: `delivery.endpoint_url: …; form: …`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`).join('; ');
}
