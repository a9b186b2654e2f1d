/**
 * The stack's output keys, in one place: the CDK stack writes them and `scim-admin --stack <name>`
 * reads them (CloudFormation DescribeStacks) to find the table.
 * No CDK imports here: the admin CLI loads this module.
 */
/** The stream consumers (keys of functions/routes.ts streamFunctionEntries; this module imports nothing). */
export const STREAM_CONSUMERS = ['publisher', 'janitor', 'recorder', 'outbox', 'delivery'] as const;
export type StreamConsumerName = (typeof STREAM_CONSUMERS)[number];

const outputIdOf = (tenantId: string): string => tenantId.replace(/[^A-Za-z0-9]/g, '');

export const STACK_OUTPUTS = {
  /** The Invoke URL of the API stage. */
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  eventBusName: 'EventBusName',
  /** The S3 bucket of stream batches that failed after retries (`scim-admin events redrive` replays them). */
  failedBatchBucket: 'FailedBatchBucket',
  /** The function name of a stream consumer (functions/routes.ts streamFunctionEntries): redrive invokes it with its failed batches. */
  streamConsumer: (consumer: StreamConsumerName): string => `${consumer.charAt(0).toUpperCase()}${consumer.slice(1)}FunctionName`,
  /** Event streams: the SETs' issuer (base of poll URLs) and the key sealing push Authorization headers. */
  ssfIssuer: 'SsfIssuer',
  eventSecretsKeyArn: 'EventSecretsKeyArn',
  /** The tenant purge queue: `scim-admin tenants delete --stack` asks for the purge there, as the admin API does. */
  tenantPurgeQueueUrl: 'TenantPurgeQueueUrl',
  /**
   * The rate tiers as the tenant service's API Gateway port takes them (functions/tenants/api-gateway-rate-tiers.ts
   * ApiGatewayRateTiersConfig, JSON): tier → usage plan name, the default tier, the usage key salt. `scim-admin --stack`
   * gives a tenant its own key in its tier's plan with it, as the admin API function does from its environment.
   * No secret: the salt only keeps key values apart between deployments, and a key is an identifier the
   * authorizer names, never a credential (docs/throttling.md).
   */
  rateTiers: 'RateTiers',
  /**
   * The secret holding a tenants.json tenant's token, an output of stacks before #22 only (a stack no
   * longer has an output per tenant); `scim-admin --stack` still finds it on a stack not yet upgraded.
   */
  tokenSecret: (tenantId: string): string => `TokenSecret${outputIdOf(tenantId)}`,
} as const;

/** Where `scim-admin --stack` keeps the token of a tenant it added (not one of tenants.json). */
export const cliTokenSecretName = (stackName: string, tenantId: string): string => `${stackName}/tenants/${tenantId}/token`;
