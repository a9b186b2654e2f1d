import type { DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { streamPublisher, type PublishedEvent } from '../../../functions/events/publish';

const membershipRecord = (sequence: string, userId: string) => ({
  eventID: `ev-${sequence}`,
  eventName: 'INSERT' as const,
  dynamodb: {
    SequenceNumber: sequence,
    ApproximateCreationDateTime: 1_767_225_600,
    NewImage: marshall({ entity: 'Membership', tenantId: 'acme', groupId: 'g1', userId, PK: 'p', SK: `s${userId}` }) as never,
  },
});

const streamOf = (...records: ReturnType<typeof membershipRecord>[]): DynamoDBStreamEvent => ({ Records: records });

describe('stream publisher', () => {
  it('delivers every event once with a stable id and reports no failure', async () => {
    const delivered: PublishedEvent[] = [];
    const publish = streamPublisher(async (events) => {
      delivered.push(...events);
      return [];
    });
    const result = await publish(streamOf(membershipRecord('1', 'u1'), membershipRecord('2', 'u2')));
    expect(result.batchItemFailures).toEqual([]);
    expect(delivered.map((e) => [e.eventId, e.memberId, e.timestamp])).toEqual([
      ['ev-1:0', 'u1', '2026-01-01T00:00:00.000Z'],
      ['ev-2:0', 'u2', '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it('retries entries the sink refused', async () => {
    let calls = 0;
    const delivered: string[] = [];
    const publish = streamPublisher(async (events) => {
      calls += 1;
      if (calls === 1) return [1];
      delivered.push(...events.map((e) => e.eventId));
      return [];
    });
    const result = await publish(streamOf(membershipRecord('1', 'u1'), membershipRecord('2', 'u2')));
    expect(result.batchItemFailures).toEqual([]);
    expect(delivered).toEqual(['ev-2:0']);
  });

  it('reports the first record whose events never got through, so Lambda retries from it', async () => {
    const publish = streamPublisher(async (events) => events.map((e, i) => (e.memberId === 'u2' ? i : -1)).filter((i) => i >= 0));
    const result = await publish(streamOf(membershipRecord('1', 'u1'), membershipRecord('2', 'u2'), membershipRecord('3', 'u3')));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });
});
