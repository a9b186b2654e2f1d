/** The AWS sink: EventBridge PutEvents, 10 entries per call (the API's limit). */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventSink, PublishedEvent } from './publish';

export const EVENT_SOURCE = 'scim-serverless';
const ENTRIES_PER_CALL = 10;

export const detailTypeOf = (event: PublishedEvent) => `SCIM ${event.resourceType} ${event.change}`;

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
            Time: new Date(event.timestamp),
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
