/**
 * A refusal storm (tenant setting `activity.refusalStormThreshold`) as one EventBridge event on the
 * change-event bus: detail-type `SCIM refusal storm`, the detail names the tenant, the credential id
 * (never the credential), the count, the threshold, the window and the last reason code.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../events/eventbridge';
import type { RefusalStorm, StormSink } from './recorder';

export const STORM_DETAIL_TYPE = 'SCIM refusal storm';

export function stormEventSink(client: EventBridgeClient, busName: string): StormSink {
  return async (storm: RefusalStorm) => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: EVENT_SOURCE, DetailType: STORM_DETAIL_TYPE, Detail: JSON.stringify(storm) }],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) throw new Error('refusal storm event not accepted');
  };
}
