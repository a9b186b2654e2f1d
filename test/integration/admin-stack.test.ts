/**
 * `scim-admin --stack <name>` against "AWS": CloudFormation and Secrets Manager are moto_server,
 * DynamoDB is DynamoDB Local, each reached the way the SDK reaches any endpoint override
 * (AWS_ENDPOINT_URL_<SERVICE>), with the CLI as a child process and no table or secret flags. The
 * stack carries the outputs lib/scim-stack.ts writes (keys from lib/stack-outputs.ts).
 */
import { expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Db } from '../../functions/store/db';
import { getTenant } from '../../functions/store/tenants';
import { TOKEN_PATTERN } from '../../functions/credentials/secret-token';
import { cliTokenSecretName, STACK_OUTPUTS } from '../../lib/stack-outputs';
import { dropTable, runDynamoEndpoint, testDb } from '../support/dynamodb';
import { describeWithMoto, type Moto } from '../support/moto';
import { awsJsonCall } from '../../functions/commons/aws-json-call';

const CLI = join(process.cwd(), 'bin', 'scim-admin.js');
const REGION = 'eu-west-1';
const STACK = 'ScimOps';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let db: Db;
let endpoint: string;
let acmeSecretArn: string;
/** The stack's tenant purge queue (on moto). */
let purgeQueueUrl: string;

const sqs = <T>(operation: string, input: object) =>
  awsJsonCall<T>({ name: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' }, operation, input, {
    region: REGION,
    endpoint,
    credentials: () => credentials,
    maxAttempts: 1,
  });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

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
  };
  // As on an operator's machine: no local endpoint or table, only the stack's name.
  for (const name of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'SCIM_DATA_DIR']) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--data-dir', '/nonexistent-scim-data'], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const secretValue = async (secretId: string) => {
  const client = new SecretsManagerClient({ region: REGION, endpoint, credentials });
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } finally {
    client.destroy();
  }
};

describeWithMoto('scim-admin --stack', {
  async setup(moto: Moto) {
    endpoint = moto.endpoint;
    db = await testDb('admin-stack');
    const secrets = new SecretsManagerClient({ region: REGION, endpoint, credentials });
    acmeSecretArn = (await secrets.send(new CreateSecretCommand({ Name: 'ScimOps-TokenAcme', SecretString: 'placeholder' }))).ARN ?? '';
    secrets.destroy();
    purgeQueueUrl = (await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: 'ScimOps-TenantPurge' })).QueueUrl;
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint, credentials });
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: STACK,
        TemplateBody: JSON.stringify({
          Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } },
          Outputs: {
            [STACK_OUTPUTS.tableName]: { Value: db.table },
            [STACK_OUTPUTS.tokenSecret('acme')]: { Value: acmeSecretArn },
            [STACK_OUTPUTS.eventBusName]: { Value: 'ScimOpsChangeEvents' },
            [STACK_OUTPUTS.tenantPurgeQueueUrl]: { Value: purgeQueueUrl },
          },
        }),
      }),
    );
    cloudFormation.destroy();
  },
  async teardown() {
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
    async 'creates another tenant on the shared plan, its token in a secret of its own created for it'() {
      const created = await admin('tenants', 'create', 'walk-in', '--stack', STACK);
      expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('rate tier shared') });
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
    async 'tenants delete marks the tenant deleting and asks for its purge on the stack queue, as the admin API does'() {
      expect((await admin('tenants', 'create', 'leaving', '--stack', STACK)).code).toBe(0);
      expect((await admin('tenants', 'delete', 'leaving', '--stack', STACK)).code).toBe(0);
      expect(await getTenant(db, 'leaving')).toMatchObject({ status: 'deleting' });
      const { Messages } = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
        QueueUrl: purgeQueueUrl,
        MaxNumberOfMessages: 10,
      });
      expect((Messages ?? []).map((message) => JSON.parse(message.Body) as unknown)).toEqual([{ tenantId: 'leaving' }]);
    },
    async 'says so when the stack does not exist'() {
      const run = await admin('tenants', 'list', '--stack', 'NoSuchStack');
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/NoSuchStack/);
    },
  },
});
