/**
 * The authorizer's table handle: a strongly consistent GetItem as one signed HTTP call
 * (commons/aws-json-call.ts) instead of the SDK's DynamoDB client, which would be most of the
 * authorizer's bundle and init time (docs/architecture.md). The item is unmarshalled by util-dynamodb,
 * as the document client does, and the repository functions (getTenant, getToken, getClient) read
 * through it exactly as through a Db: same keys, same records. Table, endpoint, region, credentials
 * and attempts come from the same settings as client.ts.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { awsJsonCall, type AwsJsonService } from '../commons/aws-json-call';
import { environment } from '../commons/environment';
import { errorNamed } from '../commons/error-named';
import type { ItemReads, StoredItem } from './db';
import { keys } from './keys';
import { RECORDING_TENANT } from './activity-layout';

const DYNAMODB: AwsJsonService = { name: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' };

function callOptions(maxAttempts = environment.dynamoMaxAttempts()) {
  const local = environment.dynamoEndpoint();
  const endpoint = local ?? environment.awsEndpointUrl('DYNAMODB');
  const region = environment.region() ?? (local ? 'local' : undefined);
  if (!region) throw new Error('AWS_REGION is not set');
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    // As client.ts: DynamoDB Local takes any credentials.
    credentials: () => (local ? { accessKeyId: 'local', secretAccessKey: 'local' } : environment.awsCredentials()),
    maxAttempts,
  };
}

/** The key reads on TABLE_NAME, configured from the environment at each call (tests change it). */
export function leanTable(): ItemReads {
  return {
    async getItem(key) {
      const { Item } = await awsJsonCall<{ Item?: Record<string, AttributeValue> }>(
        DYNAMODB,
        'GetItem',
        {
          TableName: environment.tableName(),
          Key: Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }])),
          ConsistentRead: true,
        },
        callOptions(),
      );
      return Item ? (unmarshall(Item) as StoredItem) : undefined;
    },
  };
}

/**
 * The authorizer's one write: a refusal's activity record, in ONE TransactWriteItems that also
 * checks the tenant exists and records (a refusal on an unknown tenant's URL, or on one that turned
 * recording off, writes nothing). The item has a stable key, so the retry of an unanswered attempt writes the same item again. False when not written.
 */
export async function leanPutActivityIfTenant(item: StoredItem): Promise<boolean> {
  const table = environment.tableName();
  try {
    await awsJsonCall(
      DYNAMODB,
      'TransactWriteItems',
      {
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table,
              Key: marshall(keys.tenant(String(item.tenantId))),
              ConditionExpression: RECORDING_TENANT.expression,
              ExpressionAttributeNames: RECORDING_TENANT.names,
              ExpressionAttributeValues: { ':off': { BOOL: false } },
            },
          },
          { Put: { TableName: table, Item: marshall(item, { removeUndefinedValues: true }) } },
        ],
      },
      callOptions(2),
    );
    return true;
  } catch (error) {
    if (errorNamed(error, 'TransactionCanceledException')) return false;
    throw error;
  }
}
