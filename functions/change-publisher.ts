/** Lambda entry: the table's stream → provisioning change events on the EventBridge bus (a large write's delta chunks read from the table). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeSink } from './events/eventbridge';
import { environment } from './commons/environment';
import { deploymentEventOptions, streamPublisher } from './events/publish';
import { defaultDb } from './store/db';
import { traced } from './commons/sdk-tracing';

const busName = environment.eventBusName();

export const handler = streamPublisher(eventBridgeSink(traced(new EventBridgeClient({})), busName), deploymentEventOptions, defaultDb);
