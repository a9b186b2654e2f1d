import { describe, expect, it } from '@jest/globals';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { streamPublisher, type PublishedEvent } from '../../../functions/events/publish';

const userRecord = (sequence: string, id: string) => ({
  eventID: `ev-${sequence}`,
  eventName: 'INSERT' as const,
  dynamodb: {
    SequenceNumber: sequence,
    ApproximateCreationDateTime: 1_767_225_600,
    NewImage: marshall({
      entity: 'User',
      tenantId: 'acme',
      id,
      version: 1,
      lastModified: '2026-01-01T00:00:00.123Z',
      PK: 'p',
      SK: `s${id}`,
      resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName: id },
    }) as never,
  },
});

const streamOf = (...records: ReturnType<typeof userRecord>[]): DynamoDBStreamEvent => ({ Records: records });
const options = () => ({ form: 'notice' as const, issuer: 'test' });

describe('stream publisher', () => {
  it('delivers every event once with a stable jti and reports no failure', async () => {
    const delivered: PublishedEvent[] = [];
    const publish = streamPublisher(async (events) => {
      delivered.push(...events);
      return [];
    }, options);
    const result = await publish(streamOf(userRecord('1', 'u1'), userRecord('2', 'u2')));
    expect(result.batchItemFailures).toEqual([]);
    expect(delivered.map((e) => [e.jti, e.sub_id.id, e.toe])).toEqual([
      ['ev-1', 'u1', 1_767_225_600.123],
      ['ev-2', 'u2', 1_767_225_600.123],
    ]);
  });

  it('retries entries the sink refused', async () => {
    let calls = 0;
    const delivered: string[] = [];
    const publish = streamPublisher(async (events) => {
      calls += 1;
      if (calls === 1) return [1];
      delivered.push(...events.map((e) => e.jti));
      return [];
    }, options);
    const result = await publish(streamOf(userRecord('1', 'u1'), userRecord('2', 'u2')));
    expect(result.batchItemFailures).toEqual([]);
    expect(delivered).toEqual(['ev-2']);
  });

  it('reports the first record whose events never got through, so Lambda retries from it', async () => {
    const publish = streamPublisher(async (events) => events.map((e, i) => (e.sub_id.id === 'u2' ? i : -1)).filter((i) => i >= 0), options);
    const result = await publish(streamOf(userRecord('1', 'u1'), userRecord('2', 'u2'), userRecord('3', 'u3')));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });
});
