/**
 * The SETs one change means for one event stream: the RFC 9967 claim set in the stream's form
 * (change-event.ts), reduced to the events the stream asked for, addressed to the stream's audience,
 * with a jti that is stable across redeliveries of the stream record and sorts by time of event; a
 * large group write's member delta is split into chunks, a SET each (docs/events.md).
 */
import { createHash } from 'node:crypto';
import type { StoredEventStream } from '../store/event-stream-items';
import { describeStreamItem, type MemberDelta } from '../store/stream-items';
import { securityEventFor, type EventPayload, type ItemChange, type ScimSecurityEvent, type ScimSubjectId } from './change-event';
import { eventsPerChunk } from './chunked-events';

/** The signed claims (RFC 8417 §2.2 with RFC 9967's `sub_id`). */
export interface SetClaims {
  readonly iss: string;
  readonly jti: string;
  readonly iat: number;
  readonly toe: number;
  readonly txn: string;
  readonly aud: string;
  readonly sub_id: ScimSubjectId;
  readonly events: Readonly<Record<string, EventPayload>>;
}

export interface StreamSet {
  readonly claims: SetClaims;
  /** `User/<id>`: the unit of in-order delivery. */
  readonly resource: string;
  readonly version: number;
  readonly chunk: number;
}

/**
 * `<toe ms, 13 digits>-<16 base64url>`: sortable by time of event, unique per stream, record and
 * chunk; the chunks of a large write's delta share the digest and end in `-<chunk, 4 digits>`, so
 * they sort in order (a poll returns them oldest first).
 */
export function jtiOf(toeSeconds: number, streamId: string, recordId: string, chunk: number, chunked = false): string {
  const toe = String(Math.round(toeSeconds * 1000)).padStart(13, '0');
  const digest = (n: number) => createHash('sha256').update(`${streamId}\n${recordId}\n${n}`).digest('base64url').slice(0, 16);
  return chunked ? `${toe}-${digest(0)}-${String(chunk).padStart(4, '0')}` : `${toe}-${digest(chunk)}`;
}

/** The tenant whose user or group the change is about; undefined for other items. */
export function tenantOfChange(change: ItemChange): string | undefined {
  const item = [describeStreamItem(change.newImage), describeStreamItem(change.oldImage)].find((i) => i.kind === 'resource');
  return item?.kind === 'resource' ? item.tenantId : undefined;
}

/** A large group write's delta, read from its chunk items (store/group-deltas.ts): one SET per chunk. */
interface DeltaChunks {
  readonly chunks: readonly MemberDelta[];
}

/**
 * The SETs of one change for one stream: one, or for a large group write one per chunk of its
 * member delta (chunked-events.ts: each with that chunk's ids and its place, all of the same version, in order).
 */
export function setsForStream(
  change: ItemChange,
  stream: StoredEventStream,
  issuer: string,
  now: number = Date.now(),
  delta?: DeltaChunks,
): StreamSet[] {
  const options = { form: stream.form, issuer, now };
  const chunked = delta !== undefined && delta.chunks.length > 0;
  const claimSets = chunked ? eventsPerChunk(change, options, delta.chunks) : [securityEventFor(change, options)];
  // Every chunk of one write: the same version, ordered by chunk (push-delivery.ts sends them in that order).
  return claimSets.flatMap((claimSet, chunk) => (claimSet ? setOf(change, stream, claimSet, chunk, chunked) : []));
}

function setOf(change: ItemChange, stream: StoredEventStream, claimSet: ScimSecurityEvent, chunk: number, chunked: boolean): StreamSet[] {
  if (claimSet.tenantId !== stream.tenantId) return [];
  const events = Object.fromEntries(Object.entries(claimSet.events).filter(([uri]) => stream.eventsRequested.includes(uri)));
  if (Object.keys(events).length === 0) return [];
  const item = [describeStreamItem(change.newImage), describeStreamItem(change.oldImage)].find((i) => i.kind === 'resource');
  const version = item?.kind === 'resource' ? item.version : 0;
  return [
    {
      claims: {
        iss: claimSet.iss,
        jti: jtiOf(claimSet.toe, stream.streamId, change.recordId, chunk, chunked),
        iat: claimSet.iat,
        toe: claimSet.toe,
        txn: claimSet.txn,
        aud: stream.audience,
        sub_id: claimSet.sub_id,
        events,
      },
      resource: `${claimSet.resourceType}/${claimSet.sub_id.id}`,
      version,
      chunk,
    },
  ];
}
