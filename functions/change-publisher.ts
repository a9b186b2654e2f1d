/** Lambda entry: the table's stream → provisioning change events on the EventBridge bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeSink } from './events/eventbridge';
import { environment } from './commons/environment';
import { streamPublisher } from './events/publish';
import { traced } from './commons/sdk-tracing';

const busName = environment.eventBusName();

export const handler = streamPublisher(eventBridgeSink(traced(new EventBridgeClient({})), busName));
