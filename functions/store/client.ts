/**
 * The DynamoDB document client, configured from the environment:
 * TABLE_NAME (required), DYNAMODB_ENDPOINT (DynamoDB Local), AWS_REGION.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let cached: DynamoDBDocumentClient | undefined;

export function clientConfig(env: NodeJS.ProcessEnv = process.env): DynamoDBClientConfig {
  const endpoint = env.DYNAMODB_ENDPOINT;
  return {
    region: env.AWS_REGION ?? (endpoint ? 'local' : undefined),
    ...(endpoint
      ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: Number(env.DYNAMODB_MAX_ATTEMPTS ?? 4),
  };
}

export function createDocumentClient(config: DynamoDBClientConfig = clientConfig()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** One client per process (Lambda container or local server). */
export function documentClient(): DynamoDBDocumentClient {
  cached ??= createDocumentClient();
  return cached;
}

export function tableName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}
