/** Lambda entry: the table's stream → per-tenant activity records and health counters (functions/activity/recorder.ts). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { activityRecorder } from './activity/recorder';
import { stormEventSink } from './activity/storm-events';
import { environment } from './commons/environment';
import { defaultDb } from './store/db';

export const handler = activityRecorder(defaultDb, stormEventSink(new EventBridgeClient({}), environment.eventBusName()));
