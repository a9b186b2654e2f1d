/**
 * The DynamoDB document client, configured from the environment:
 * TABLE_NAME (required), DYNAMODB_ENDPOINT (DynamoDB Local), AWS_REGION.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { environment, type Environment } from '../commons/environment';

let cached: DynamoDBDocumentClient | undefined;

export function clientConfig(env: Environment = process.env): DynamoDBClientConfig {
  const endpoint = environment.dynamoEndpoint(env);
  return {
    region: environment.region(env) ?? (endpoint ? 'local' : undefined),
    ...(endpoint
      ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: environment.dynamoMaxAttempts(env),
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

export function tableName(env: Environment = process.env): string {
  return environment.tableName(env);
}
