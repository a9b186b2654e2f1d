/** The AWS sink: EventBridge PutEvents, 10 entries per call (the API's limit); the detail is the SET claim set. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventSink, PublishedEvent } from './publish';

export const EVENT_SOURCE = 'scim-serverless';
const ENTRIES_PER_CALL = 10;

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
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const chunk = events.slice(start, start + ENTRIES_PER_CALL);
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
