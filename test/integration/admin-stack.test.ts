/**
 * `scim-admin --stack <name>` against "AWS": CloudFormation, Secrets Manager, SQS and API Gateway are
 * moto_server, DynamoDB is DynamoDB Local, each reached the way the SDK reaches any endpoint override
 * (AWS_ENDPOINT_URL_<SERVICE>), with the CLI as a child process and no table, secret or plan flags. The
 * stack carries the outputs lib/scim-stack.ts writes (keys from lib/stack-outputs.ts), its RateTiers
 * output naming two tier usage plans that exist on moto's API Gateway; a second stack of an older
 * version has no RateTiers output.
 */
import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  GetApiKeysCommand,
  GetResourcesCommand,
  GetUsagePlanKeysCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Db } from '../../functions/store/db';
import { getTenant } from '../../functions/store/tenants';
import { getEventStream } from '../../functions/store/event-stream-items';
import { sharedUsageKey, tenantUsageKeyOf, usageKeyOfTenant } from '../../functions/tenants/usage-key';
import { TOKEN_PATTERN } from '../../functions/credentials/secret-token';
import { cliTokenSecretName, STACK_OUTPUTS } from '../../lib/stack-outputs';
import { dropTable, runDynamoEndpoint, testDb } from '../support/dynamodb';
import { describeWithMoto, type Moto } from '../support/moto';
import { awsJsonCall } from '../../functions/commons/aws-json-call';
import { runScimAdmin, type CliRun as Run } from '../support/scim-admin-cli';

const REGION = 'eu-west-1';
const STACK = 'ScimOps';
/** A stack of a version before the RateTiers output (same table). */
const OLD_STACK = 'ScimOld';
const SALT = 'f00dfeed1234';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let db: Db;
let endpoint: string;
let acmeSecretArn: string;
/** The stack's tenant purge queue (on moto). */
let purgeQueueUrl: string;
let apiGateway: APIGatewayClient;
/** Tier → usage plan id on moto. */
const planIds: Record<string, string> = {};

const sqs = <T>(operation: string, input: object) =>
  awsJsonCall<T>({ name: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' }, operation, input, {
    region: REGION,
    endpoint,
    credentials: () => credentials,
    maxAttempts: 1,
  });

function admin(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: runDynamoEndpoint(),
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_API_GATEWAY: endpoint,
  };
  // As on an operator's machine: only the stack says where the plans are.
  for (const name of ['SCIM_RATE_TIERS', 'SCIM_DEFAULT_RATE_TIER', 'USAGE_KEY_SALT']) delete env[name];
  // As on an operator's machine: no local endpoint or table, only the stack's name.
  for (const name of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'SCIM_DATA_DIR']) delete env[name];
  return runScimAdmin([...args, '--data-dir', '/nonexistent-scim-data'], env);
}

const secretValue = async (secretId: string) => {
  const client = new SecretsManagerClient({ region: REGION, endpoint, credentials });
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } finally {
    client.destroy();
  }
};

/** The key values in a tier's usage plan. */
async function keysInPlan(tier: string): Promise<string[]> {
  const { items } = await apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: planIds[tier] ?? '' }));
  return (items ?? []).map((key) => String(key.value ?? key.name)).sort();
}

async function apiKeyValues(): Promise<string[]> {
  const { items } = await apiGateway.send(new GetApiKeysCommand({ includeValues: true }));
  return (items ?? []).map((key) => String(key.value)).sort();
}

/** The REST API and the tier plans as lib/rate-tiers.ts names them (`<stack>-scim-tier-<tier>`), on moto. */
async function createTierPlans(): Promise<Record<string, string>> {
  const restApiId = String((await apiGateway.send(new CreateRestApiCommand({ name: `${STACK}-scim` }))).id);
  const root = (await apiGateway.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? '';
  await apiGateway.send(new PutMethodCommand({ restApiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
  await apiGateway.send(new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }));
  await apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName: 'v2' }));
  const names: Record<string, string> = {};
  for (const [tier, rateLimit] of [
    ['standard', 50],
    ['large', 200],
  ] as const) {
    names[tier] = `${STACK}-scim-tier-${tier}`;
    const plan = await apiGateway.send(
      new CreateUsagePlanCommand({
        name: names[tier],
        apiStages: [{ apiId: restApiId, stage: 'v2' }],
        throttle: { rateLimit, burstLimit: 2 * rateLimit },
      }),
    );
    planIds[tier] = String(plan.id);
  }
  return names;
}

describeWithMoto('scim-admin --stack', {
  async setup(moto: Moto) {
    endpoint = moto.endpoint;
    db = await testDb('admin-stack');
    const secrets = new SecretsManagerClient({ region: REGION, endpoint, credentials });
    acmeSecretArn = (await secrets.send(new CreateSecretCommand({ Name: 'ScimOps-TokenAcme', SecretString: 'placeholder' }))).ARN ?? '';
    secrets.destroy();
    purgeQueueUrl = (await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: 'ScimOps-TenantPurge' })).QueueUrl;
    apiGateway = new APIGatewayClient({ region: REGION, endpoint, credentials });
    const plans = await createTierPlans();
    const outputs = {
      [STACK_OUTPUTS.tableName]: { Value: db.table },
      [STACK_OUTPUTS.tokenSecret('acme')]: { Value: acmeSecretArn },
      [STACK_OUTPUTS.eventBusName]: { Value: 'ScimOpsChangeEvents' },
      [STACK_OUTPUTS.tenantPurgeQueueUrl]: { Value: purgeQueueUrl },
      [STACK_OUTPUTS.ssfIssuer]: { Value: 'https://scim.ops.example' },
    };
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint, credentials });
    for (const [StackName, extra] of [
      // The value lib/scim-stack.ts writes (RateTierPlans.portConfig()), as test/cdk/stack.test.ts checks.
      [STACK, { [STACK_OUTPUTS.rateTiers]: { Value: JSON.stringify({ plans, defaultTier: 'standard', salt: SALT }) } }],
      [OLD_STACK, {}],
    ] as const) {
      const TemplateBody = JSON.stringify({ Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } }, Outputs: { ...outputs, ...extra } });
      await cloudFormation.send(new CreateStackCommand({ StackName, TemplateBody }));
    }
    cloudFormation.destroy();
  },
  async teardown() {
    apiGateway?.destroy();
    await dropTable(db);
  },
  tests: {
    async 'finds the table from the stack, creates a tenant of tenants.json and issues its token into the secret from the outputs'() {
      expect((await admin('tenants', 'create', 'acme', '--stack', STACK)).code).toBe(0);
      const run = await admin('tokens', 'issue', '--tenant', 'acme', '--stack', STACK);
      expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(acmeSecretArn) });
      expect(await secretValue(acmeSecretArn)).toMatch(TOKEN_PATTERN);
      expect(await getTenant(db, 'acme')).toMatchObject({ tenantId: 'acme', status: 'active' });
    },
    async "gives a tenant it creates its own key in its tier's plan, from the stack's RateTiers output, as the admin API does"() {
      const created = await admin('tenants', 'create', 'walk-in', '--stack', STACK);
      expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('rate tier standard') });
      const tenant = await getTenant(db, 'walk-in');
      expect(tenant?.rateTier).toBe('standard');
      // The key the authorizer names for it (usageKeyOfTenant) is the one in the standard plan.
      expect(usageKeyOfTenant(tenant ?? { tenantId: '', usagePlan: 'own' }, SALT)).toBe(tenantUsageKeyOf('walk-in', SALT));
      expect(await keysInPlan('standard')).toContain(tenantUsageKeyOf('walk-in', SALT));
      expect(await keysInPlan('large')).not.toContain(tenantUsageKeyOf('walk-in', SALT));
    },
    async 'moves the key between tier plans on a tier change, and refuses a tier the stack does not have'() {
      const key = tenantUsageKeyOf('walk-in', SALT);
      expect(await admin('tenants', 'update', 'walk-in', '--rate-tier', 'large', '--stack', STACK)).toMatchObject({ code: 0 });
      expect(await getTenant(db, 'walk-in')).toMatchObject({ rateTier: 'large' });
      expect(await keysInPlan('large')).toContain(key);
      expect(await keysInPlan('standard')).not.toContain(key);
      const unknown = await admin('tenants', 'update', 'walk-in', '--rate-tier', 'platinum', '--stack', STACK);
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('rateTier') });
      expect((await apiKeyValues()).filter((value) => value === key)).toHaveLength(1);
    },
    async 'on a stack without the RateTiers output, the tenant stays on the shared plan (what the authorizer names), with no key made'() {
      const created = await admin('tenants', 'create', 'old-walk-in', '--stack', OLD_STACK);
      expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('rate tier shared') });
      // As the service answers when no key can be made (docs/throttling.md): the tenant stays where it is.
      expect((await admin('tenants', 'update', 'old-walk-in', '--rate-tier', 'large', '--stack', OLD_STACK, '--json')).stdout).toMatch(
        /"rateTier": "shared"/,
      );
      const tenant = await getTenant(db, 'old-walk-in');
      expect(usageKeyOfTenant(tenant ?? { tenantId: 'old-walk-in', usagePlan: 'own', rateTier: 'large' }, SALT)).toBe(sharedUsageKey(SALT));
      expect(await apiKeyValues()).not.toContain(tenantUsageKeyOf('old-walk-in', SALT));
    },
    async 'issues a tenant the CLI created a token into a secret of its own created for it'() {
      const run = await admin('tokens', 'issue', '--tenant', 'walk-in', '--stack', STACK);
      const secretId = cliTokenSecretName(STACK, 'walk-in');
      expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(secretId) });
      const first = await secretValue(secretId);
      expect(first).toMatch(TOKEN_PATTERN);
      expect((await admin('tokens', 'issue', '--tenant', 'walk-in', '--stack', STACK)).code).toBe(0);
      expect(await secretValue(secretId)).not.toBe(first);
      const list = await admin('tenants', 'list', '--stack', STACK);
      expect(list.stdout).toMatch(/^acme\tactive\t/m);
      expect(list.stdout).toMatch(/^walk-in\tactive\t/m);
    },
    async 'tenants delete marks the tenant deleting, removes its key and asks for its purge on the stack queue, as the admin API does'() {
      const key = tenantUsageKeyOf('leaving', SALT);
      // --rate-tier at creation puts the new key straight into that plan.
      expect((await admin('tenants', 'create', 'leaving', '--rate-tier', 'large', '--stack', STACK)).code).toBe(0);
      expect(await keysInPlan('large')).toContain(key);
      expect((await admin('tenants', 'delete', 'leaving', '--stack', STACK)).code).toBe(0);
      expect(await getTenant(db, 'leaving')).toMatchObject({ status: 'deleting' });
      expect(await keysInPlan('large')).not.toContain(key);
      expect(await apiKeyValues()).not.toContain(key);
      const { Messages } = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
        QueueUrl: purgeQueueUrl,
        MaxNumberOfMessages: 10,
      });
      expect((Messages ?? []).map((message) => JSON.parse(message.Body) as unknown)).toEqual([{ tenantId: 'leaving' }]);
    },
    async "issues a poll stream's credential again with streams rotate: the new one is the stored hash, the poll URL the stack's issuer's"() {
      const added = await admin('streams', 'add', '--tenant', 'acme', '--id', 'ops-poll', '--poll', '--stack', STACK);
      expect(added.code).toBe(0);
      expect(added.stdout).toContain('https://scim.ops.example/ssf/tenants/acme/streams/ops-poll/poll');
      const first = /^(ssfp_\S+)$/m.exec(added.stdout)?.[1];
      const rotated = await admin('streams', 'rotate', 'ops-poll', '--tenant', 'acme', '--stack', STACK);
      expect(rotated.code).toBe(0);
      const second = /^(ssfp_\S+)$/m.exec(rotated.stdout)?.[1] ?? '';
      expect(second).toMatch(/^ssfp_/);
      expect(second).not.toBe(first);
      const stored = await getEventStream(db, 'acme', 'ops-poll');
      expect(stored?.pollTokenHash).toBe(createHash('sha256').update(second, 'utf8').digest('hex'));
    },
    async 'says so when the stack does not exist'() {
      const run = await admin('tenants', 'list', '--stack', 'NoSuchStack');
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/NoSuchStack/);
    },
  },
});
