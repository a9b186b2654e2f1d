/**
 * The DynamoDB document client, configured from the environment:
 * TABLE_NAME (required), DYNAMODB_ENDPOINT (DynamoDB Local), AWS_REGION.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { environment, type Environment } from '../commons/environment';
import { traced } from '../commons/sdk-tracing';

const UNUSED_MIDDLEWARES = ['loggerMiddleware', 'getUserAgentMiddleware', 'recursionDetectionMiddleware'] as const;

let cached: { readonly endpoint: string | undefined; readonly client: DynamoDBDocumentClient } | undefined;

export function clientConfig(env: Environment = process.env): DynamoDBClientConfig {
  const endpoint = environment.dynamoEndpoint(env);
  return {
    region: environment.region(env) ?? (endpoint ? 'local' : undefined),
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: environment.dynamoMaxAttempts(env),
  };
}

export function createDocumentClient(config: DynamoDBClientConfig = clientConfig()): DynamoDBDocumentClient {
  const client = new DynamoDBClient(config);
  // Middlewares that run on every call and do nothing for a DynamoDB client (docs/performance.md):
  // - the logger middleware copies every input and output through its sensitive-data filter, even
  //   with no logger configured (its default logger discards them). Errors still reach the caller.
  // - the user-agent middleware rebuilds and escapes the SDK's user-agent string from its feature
  //   list on each request: SDK telemetry for AWS, nothing DynamoDB or this code reads.
  // - recursion detection copies Lambda's X-Ray trace id into a request header, which only SQS, SNS,
  //   S3 and Lambda use (recursive-loop detection); DynamoDB does not, and the functions' X-Ray
  //   traces come from Lambda's active tracing, not from this header.
  for (const name of UNUSED_MIDDLEWARES) client.middlewareStack.remove(name);
  return DynamoDBDocumentClient.from(traced(client), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/**
 * One client per process (Lambda container or local server); a new one only when the endpoint
 * changes (a benchmark that starts a second local stack with its own DynamoDB Local).
 */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = environment.dynamoEndpoint();
  if (cached === undefined || cached.endpoint !== endpoint) cached = { endpoint, client: createDocumentClient() };
  return cached.client;
}

export function tableName(env: Environment = process.env): string {
  return environment.tableName(env);
}
