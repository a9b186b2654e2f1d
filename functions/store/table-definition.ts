/**
 * The single table's physical shape: key attribute names, the one GSI and the TTL attribute.
 * The CDK construct, the local server and the tests all create the table from these constants.
 * Item layouts and key formats live in keys.ts.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const PARTITION_KEY = 'PK';
export const SORT_KEY = 'SK';
/** Reverse index: a user's memberships (and other "who points at me" lookups). */
export const GSI1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;
/** Epoch seconds; DynamoDB TTL deletes expired items (old tokens after rotation, cursor keys). */
export const TTL_ATTRIBUTE = 'expiresAt';

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SORT_KEY, AttributeType: 'S' },
      { AttributeName: GSI1.partitionKey, AttributeType: 'S' },
      { AttributeName: GSI1.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.indexName,
        KeySchema: [
          { AttributeName: GSI1.partitionKey, KeyType: 'HASH' },
          { AttributeName: GSI1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
