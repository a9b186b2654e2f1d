/** Lambda entry: the table's stream → provisioning change events on the EventBridge bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeSink } from './events/eventbridge';
import { streamPublisher } from './events/publish';

const busName = process.env.EVENT_BUS_NAME;
if (!busName) throw new Error('EVENT_BUS_NAME is not set');

export const handler = streamPublisher(eventBridgeSink(new EventBridgeClient({}), busName));
