/**
 * No lost change records (issue #26): the publisher is broken, its stream batches fail their retries
 * and land WHOLE in the failed-batch bucket (moto_server's S3, as the S3 on-failure destination in
 * AWS); the bus gets nothing. Once it is fixed, `redrive` (admin/redrive.ts, what `scim-admin events
 * redrive` runs) replays them to EventBridge (moto_server's, a rule to an SQS queue) and every change
 * event arrives exactly once; a second redrive sends nothing.
 */
import { expect } from '@jest/globals';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { EVENT_SOURCE, eventBridgeSink } from '../../functions/events/eventbridge';
import { parseFailedBatch, REDRIVEN_PREFIX, type FailedBatchStore } from '../../functions/events/failed-batch';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { streamPublisher, type EventSink, type PublishedEvent } from '../../functions/events/publish';
import { redrive } from '../../admin/redrive';
import { s3FailedBatchStore } from '../../local/failed-batch-stores';
import { describeWithMoto } from '../support/moto';
import { motoBus, type MotoBus } from '../support/moto-bus';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const T = 'acme';
const BUS = 'scim-changes';
const BUCKET = 'scim-failed-batches';
const PROV = 'urn:ietf:params:scim:event:prov';

let stack: TestStack;
let bus: MotoBus;
let s3: S3Client;
let store: FailedBatchStore;
let broken = true;

/** Every event on the queue since the last call (the rule's target). */
const receiveAll = async (): Promise<PublishedEvent[]> => (await bus.receiveAll()).map((entry) => entry.detail);

/** `User <id> create`: what each event says happened to what, for an exact comparison. */
const summary = (event: PublishedEvent) =>
  Object.keys(event.events).map((uri) => `${event.resourceType} ${event.sub_id.id} ${uri.replace(`${PROV}:`, '').replace(/:notice$/, '')}`);

const call = async (method: string, path: string, body?: unknown) => (await stack.request(T, method, path, body)).body as Json;
const expected: string[] = [];

describeWithMoto('failed stream batches are kept whole and redriven once', {
  setup: async (moto) => {
    const config = { region: REGION, endpoint: moto.endpoint, credentials };
    s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    store = s3FailedBatchStore(s3, BUCKET);
    bus = await motoBus(moto.endpoint, BUS, { source: [EVENT_SOURCE] });
    const sendToBus = eventBridgeSink(bus.eventBridge, BUS);
    const publisher: EventSink = async (events) => {
      if (broken) throw new Error('the bus is unreachable (broken on purpose)');
      return sendToBus(events);
    };
    stack = await startTestStack({ tenants: [T], eventSink: publisher, failedBatches: store });
  },
  teardown: async () => {
    await stack?.stop();
    bus?.eventBridge.destroy();
    s3?.destroy();
  },
  tests: {
    'a broken publisher leaves its batches, records and all, in the bucket and nothing on the bus': async () => {
      const users: string[] = [];
      for (const name of ['ada', 'grace', 'edsger']) {
        const user = await call('POST', '/Users', { schemas: [USER], userName: `${name}@example.com` });
        users.push(user.id as string);
        expected.push(`User ${String(user.id)} create`);
      }
      const group = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineers', members: [{ value: users[0] }] });
      expected.push(`Group ${String(group.id)} create`);
      await call('PATCH', `/Groups/${String(group.id)}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: [{ value: users[1] }] }],
      });
      expected.push(`Group ${String(group.id)} patch`);
      await call('PATCH', `/Users/${String(users[0])}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Ada L.' }],
      });
      expected.push(`User ${String(users[0])} patch`);
      expect((await stack.request(T, 'DELETE', `/Users/${String(users[2])}`)).status).toBe(204);
      expected.push(`User ${String(users[2])} delete`);
      await stack.stack.drainStreams();

      expect(await receiveAll()).toEqual([]);
      const keys = await store.pending();
      expect(keys.length).toBeGreaterThan(0);
      const batches = await Promise.all(keys.map(async (key) => parseFailedBatch(await store.get(key))));
      expect(batches.every((batch) => batch.functionArn.endsWith(':function:publisher'))).toBe(true);
      const userRecords = batches
        .flatMap((batch) => batch.event.Records)
        .filter((record) => record.dynamodb?.NewImage?.entity?.S === 'User');
      expect(userRecords.length).toBeGreaterThanOrEqual(3);
    },

    'redrive publishes every change event exactly once, and a second redrive nothing': async () => {
      broken = false;
      // What the publisher function does with a batch Lambda Invoke hands it (admin/redrive-consumers.ts).
      const publish = streamPublisher(eventBridgeSink(bus.eventBridge, BUS));
      const targets = {
        store,
        consumers: { publisher: async (event: DynamoDBStreamEvent) => (await publish(event)).batchItemFailures.length === 0 },
      };
      const pending = await store.pending();
      const first = await redrive(targets);
      expect(first).toEqual({ replayed: pending, failed: [], skipped: [] });

      const received = await receiveAll();
      expect(new Set(received.map((event) => event.jti)).size).toBe(received.length);
      expect(received.flatMap(summary).sort()).toEqual([...expected].sort());
      expect(received.every((event) => event.tenantId === T)).toBe(true);

      expect(await store.pending()).toEqual([]);
      expect(await redrive(targets)).toEqual({ replayed: [], failed: [], skipped: [] });
      expect(await receiveAll()).toEqual([]);
      // The replayed batches are kept under redriven/ (the bucket's lifecycle expires them).
      for (const key of pending)
        expect(parseFailedBatch(await store.get(`${REDRIVEN_PREFIX}${key}`)).event.Records.length).toBeGreaterThan(0);
    },

    'a new change after the fix is published at once, without redrive': async () => {
      const user = await call('POST', '/Users', { schemas: [USER], userName: 'barbara@example.com' });
      await stack.stack.drainStreams();
      expect((await receiveAll()).flatMap(summary)).toEqual([`User ${String(user.id)} create`]);
      expect(await store.pending()).toEqual([]);
    },
  },
});
