/**
 * A large group write's member records are more than one recorder invocation may write in AWS (a
 * 100,000-member replace: 100,000 records in one partition at 1,000 write units a second, against a
 * 5-minute timeout). The recorder writes them chunk by chunk under its invocation's deadline, marks each
 * chunk recorded, and when the deadline passes reports the write's stream record as failed so that Lambda
 * invokes it again from there (functions/activity/recorder.ts, docs/activity.md). Here every recorder
 * invocation has 1 ms of budget: it writes one chunk and stops, and the stream poller's part is played
 * by a loop that invokes it again from the reported record, as Lambda does. The end state is exactly
 * the records of one uninterrupted run: one per member, the write's own once, its health count once.
 *
 * The chunk size is SCIM_GROUP_DELTA_CHUNK_IDS, here 20 (production: 500): 200 members are 10 chunks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { activityRecorder } from '../../functions/activity/recorder';
import { tenantActivity, tenantHealth } from '../../functions/activity/activity-service';
import { seedResources } from '../../functions/store/resource-seeding';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, USER } from '../support/urns';

const T = 'big';
const CHUNK = 20;
const MEMBERS = 200;
const userIds = Array.from({ length: MEMBERS }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
let stack: TestStack;
/** Recorder invocations that stopped at the deadline with work left, and all invocations. */
const calls = { stopped: 0, invocations: 0 };

/** The recorder with a 1 ms budget, invoked again from the record it reports until it reports none. */
async function resumingRecorder(event: DynamoDBStreamEvent) {
  const recorder = activityRecorder(() => stack.stack.db);
  let pending = event.Records;
  for (let round = 0; pending.length > 0 && round < 100; round += 1) {
    calls.invocations += 1;
    const { batchItemFailures } = await recorder({ Records: pending }, { getRemainingTimeInMillis: () => 10_001 });
    const from = pending.findIndex((r) => r.dynamodb?.SequenceNumber === batchItemFailures[0]?.itemIdentifier);
    if (from === -1) return { batchItemFailures: [] };
    calls.stopped += 1;
    pending = pending.slice(from);
  }
  return { batchItemFailures: [{ itemIdentifier: pending[0]?.dynamodb?.SequenceNumber ?? '' }] };
}

beforeAll(async () => {
  process.env.SCIM_GROUP_DELTA_CHUNK_IDS = String(CHUNK);
  stack = await startTestStack({
    tenants: [T],
    aroundStreamInvoke: (name, event, invoke) => (name === 'recorder' ? resumingRecorder(event) : invoke()),
  });
  const users = userIds.map((id, n) => ({ schemas: [USER], id, userName: `member${n}@big.example` }));
  await seedResources(stack.stack.db, T, 'User', users, standardRegistry);
  await stack.stack.drainStreams();
}, 120_000);
afterAll(async () => {
  await stack.stop();
  delete process.env.SCIM_GROUP_DELTA_CHUNK_IDS;
});

describe('the recorder under its deadline, on a large group write', () => {
  it('writes one chunk per invocation, resumes after the recorded ones, and ends with each record once', async () => {
    const created = await stack.request(T, 'POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Everyone',
      members: userIds.map((value) => ({ value })),
    });
    expect(created.status).toBe(201);
    const groupId = (created.body as Json).id as string;
    await stack.stack.drainStreams();
    // 10 chunks at one per invocation: 9 stops, each resumed from the group's record.
    expect(calls.stopped).toBe(MEMBERS / CHUNK - 1);
    // The tenant's whole log (the seeded users wrote none): the group's records and nothing else.
    const { records } = await tenantActivity(stack.stack.db, T, { limit: 500 });
    expect(records.every((r) => r.resourceId === groupId)).toBe(true);
    const added = records.filter((r) => r.operation === 'add_member').map((r) => r.memberId);
    expect(added).toHaveLength(MEMBERS);
    expect(new Set(added)).toEqual(new Set(userIds));
    // The group's own records, once each: its leased create (version 1), then the commit that adds its members.
    expect(records.filter((r) => r.memberId === undefined).map((r) => r.operation)).toEqual(['patch', 'create']);
    const health = await tenantHealth(stack.stack.db, T);
    expect(health.lastHour['2xx']).toBe(2);
    for (const userId of [userIds[0], userIds[MEMBERS - 1]] as string[]) {
      const history = await tenantActivity(stack.stack.db, T, { resourceId: userId });
      expect(history.records.map((r) => [r.operation, r.resourceId])).toEqual([['add_member', groupId]]);
    }
  }, 120_000);
});
