/** The AWS sink: EventBridge PutEvents, 10 entries per call (the API's limit); the detail is the SET claim set. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventSink, PublishedEvent } from './publish';

export const EVENT_SOURCE = 'scim-serverless';
const ENTRIES_PER_CALL = 10;
/** EventBridge takes at most 256 KB per entry (detail, detail-type, source and the rest together). */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** What the detail may use of it (detail-type, source, bus name and time take the rest). */
const MAX_DETAIL_BYTES = MAX_ENTRY_BYTES - 2 * 1024;

/**
 * A full-form event too large for one entry goes as the notice form instead (attribute names, the
 * member delta as ids), with a note saying so: never an entry PutEvents refuses on every retry.
 */
export function withinEntryLimit(event: PublishedEvent): PublishedEvent {
  if (Buffer.byteLength(JSON.stringify(event), 'utf8') <= MAX_DETAIL_BYTES) return event;
  const events = Object.fromEntries(
    Object.entries(event.events).map(([uri, payload]) => {
      if (!payload.data) return [uri, payload];
      const { data, operations, ...rest } = payload;
      const attributes = Object.keys(data).filter((name) => name !== 'id' && name !== 'meta' && name !== 'schemas');
      const members = operations ? membersOf(operations) : undefined;
      return [uri.replace(/:full$/, ':notice'), { ...rest, attributes, ...(members ? { members } : {}) }];
    }),
  );
  return {
    ...event,
    events,
    note: `full form over EventBridge's ${MAX_ENTRY_BYTES / 1024} KB entry limit: sent as notice; read the resource`,
  };
}

function membersOf(operations: readonly Record<string, unknown>[]): { added: string[]; removed: string[] } {
  const ids = (op: string) =>
    operations
      .filter((o) => o.op === op)
      .flatMap((o) => (Array.isArray(o.value) ? o.value.map((v) => String((v as { value?: unknown }).value)) : []));
  return { added: ids('add'), removed: ids('remove') };
}

/** `SCIM User patch deactivate`: the resource type and the last segment of each event URI, for rules. */
export const detailTypeOf = (event: PublishedEvent): string =>
  ['SCIM', event.resourceType, ...Object.keys(event.events).map(eventName)].join(' ');

/** `urn:ietf:params:scim:event:prov:patch:notice` → `patch`; `...:prov:deactivate` → `deactivate`. */
function eventName(uri: string): string {
  const parts = uri.split(':');
  const last = parts.at(-1) ?? uri;
  return last === 'notice' || last === 'full' ? (parts.at(-2) ?? last) : last;
}

export function eventBridgeSink(client: EventBridgeClient, busName: string): EventSink {
  return async (events) => {
    const failed: number[] = [];
    const sized = events.map(withinEntryLimit);
    for (const { start, end } of callsOf(sized)) {
      const chunk = sized.slice(start, end);
      const result = await client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => ({
            EventBusName: busName,
            Source: EVENT_SOURCE,
            DetailType: detailTypeOf(event),
            Detail: JSON.stringify(event),
            Time: new Date(event.toe * 1000),
          })),
        }),
      );
      result.Entries?.forEach((entry, index) => {
        if (entry.ErrorCode) failed.push(start + index);
      });
    }
    return failed;
  };
}

/** Index ranges of at most 10 entries whose details together stay under the 256 KB a PutEvents call takes. */
function callsOf(events: readonly PublishedEvent[]): { start: number; end: number }[] {
  const calls: { start: number; end: number }[] = [];
  let start = 0;
  let bytes = 0;
  events.forEach((event, index) => {
    const size = Buffer.byteLength(JSON.stringify(event), 'utf8') + 512;
    if (index > start && (index - start >= ENTRIES_PER_CALL || bytes + size > MAX_ENTRY_BYTES)) {
      calls.push({ start, end: index });
      start = index;
      bytes = 0;
    }
    bytes += size;
  });
  if (start < events.length) calls.push({ start, end: events.length });
  return calls;
}
