/**
 * The count changes of a coalesced transaction (store/transactions.ts) merged per shard: one
 * TransactWriteItems may not name an item twice, so creates and deletes that picked one shard become
 * one action carrying their summed delta, and changes that cancel out disappear.
 */
import { describe, expect, it } from '@jest/globals';
import { countChange, isCountChange, mergeCountChanges } from '../../../functions/store/resource-counts';

const db = { table: 'scim', client: undefined as never };
const deltaOf = (item: ReturnType<typeof countChange>) => item.Update?.ExpressionAttributeValues?.[':delta'];

describe('count changes', () => {
  it('are told apart from other actions', () => {
    expect(isCountChange(countChange(db, 't', 'User', 1))).toBe(true);
    expect(isCountChange({ Update: { TableName: 'scim', Key: { PK: 'a', SK: 'b' }, UpdateExpression: 'SET x = :v' } })).toBe(false);
    expect(isCountChange({ Put: { TableName: 'scim', Item: { PK: 'a', SK: 'b', entity: 'ResourceCount' } } })).toBe(false);
  });

  it('merge per shard: summed deltas, one action per item, zero sums dropped', () => {
    const merged = mergeCountChanges([
      countChange(db, 't', 'User', 1, 3),
      countChange(db, 't', 'User', 1, 3),
      countChange(db, 't', 'User', 1, 5),
      countChange(db, 't', 'User', -1, 5),
      countChange(db, 't', 'Group', 1, 3),
      countChange(db, 'u', 'User', -1, 3),
    ]);
    expect(merged.map((item) => [item.Update?.Key?.PK, item.Update?.Key?.SK, deltaOf(item)])).toEqual([
      ['TENANT#t#COUNTS', 'User#03', 2],
      ['TENANT#t#COUNTS', 'Group#03', 1],
      ['TENANT#u#COUNTS', 'User#03', -1],
    ]);
  });
});
