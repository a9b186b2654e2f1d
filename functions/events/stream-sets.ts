/**
 * The SETs one change means for one event stream: the RFC 9967 claim set in the stream's form
 * (change-event.ts), reduced to the events the stream asked for, addressed to the stream's audience,
 * with a jti that is stable across redeliveries of the stream record and sorts by time of event.
 */
import { createHash } from 'node:crypto';
import type { StoredEventStream } from '../store/event-streams';
import { describeStreamItem } from '../store/stream-items';
import { securityEventFor, type EventPayload, type ItemChange, type ScimSubjectId } from './change-event';

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

/** `<toe ms, 13 digits>-<16 base64url>`: sortable by time of event, unique per stream, record and chunk. */
export function jtiOf(toeSeconds: number, streamId: string, recordId: string, chunk: number): string {
  const digest = createHash('sha256').update(`${streamId}\n${recordId}\n${chunk}`).digest('base64url').slice(0, 16);
  return `${String(Math.round(toeSeconds * 1000)).padStart(13, '0')}-${digest}`;
}

/** The tenant whose user or group the change is about; undefined for other items. */
export function tenantOfChange(change: ItemChange): string | undefined {
  const item = [describeStreamItem(change.newImage), describeStreamItem(change.oldImage)].find((i) => i.kind === 'resource');
  return item?.kind === 'resource' ? item.tenantId : undefined;
}

export function setsForStream(change: ItemChange, stream: StoredEventStream, issuer: string, now: number = Date.now()): StreamSet[] {
  const claimSet = securityEventFor(change, { form: stream.form, issuer, now });
  if (!claimSet || claimSet.tenantId !== stream.tenantId) return [];
  const events = Object.fromEntries(Object.entries(claimSet.events).filter(([uri]) => stream.eventsRequested.includes(uri)));
  if (Object.keys(events).length === 0) return [];
  const item = [describeStreamItem(change.newImage), describeStreamItem(change.oldImage)].find((i) => i.kind === 'resource');
  const version = item?.kind === 'resource' ? item.version : 0;
  return [
    {
      claims: {
        iss: issuer,
        jti: jtiOf(claimSet.toe, stream.streamId, change.recordId, 0),
        iat: claimSet.iat,
        toe: claimSet.toe,
        txn: claimSet.txn,
        aud: stream.audience,
        sub_id: claimSet.sub_id,
        events,
      },
      resource: `${claimSet.resourceType}/${claimSet.sub_id.id}`,
      version,
      chunk: 0,
    },
  ];
}
