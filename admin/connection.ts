/**
 * Which table the CLI works on. Local by default: the DynamoDB Local that `npm start` runs from
 * SCIM_DATA_DIR (its endpoint is in `<dataDir>/dynamodb-local.json`), table `scim-local`, tokens
 * kept in `<dataDir>/<tenant>-token` like the local server does. In AWS: `--stack <name>` (or
 * SCIM_STACK) reads the stack's outputs (CloudFormation DescribeStacks) for the table and the token
 * secret of each tenants.json tenant; a tenant the CLI adds keeps its token in a secret named
 * `<stack>/tenants/<id>/token`, created on first write. Without a stack: `--region`/`--profile`/
 * AWS_REGION with `--table`, and `--secret-id` for tokens.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cliTokenSecretName, STACK_OUTPUTS } from '../lib/stack-outputs';
import { clientConfig, createDocumentClient } from '../functions/store/dynamodb-client';
import type { Db } from '../functions/store/db';
import { secretsManagerStore, type TokenSecretStore } from '../functions/credentials/token-secret-store';
import { readRunningInstance } from '../local/dynamodb-local';
import { tokenFile } from '../local/local-tenants';
import { DEFAULT_TABLE_NAME, EVENTS_KEY_FILE, EVENTS_SECRETS_FILE } from '../local/data-folder';
import { AdminError, EXIT, usageError } from './cli-errors';
import { errorName } from '../functions/commons/error-named';

export interface ConnectionFlags {
  readonly table?: string;
  readonly stack?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly 'data-dir'?: string;
}

export interface Connection {
  readonly db: Db;
  /** Where tokens go: local token files, or Secrets Manager in AWS. */
  readonly secrets: TokenSecretStore;
  readonly local: boolean;
  /** The stack's outputs (lib/stack-outputs.ts) with --stack; empty otherwise. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** `npm start`'s data folder (local connections). */
  readonly dataDir?: string;
  readonly region?: string | undefined;
  /** The secret id of a tenant's token: its local token file, or `--secret-id` in AWS. */
  secretIdOf(tenantId: string, given: string | undefined): string;
  close(): void;
}

export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const dataDir = resolve(flags['data-dir'] ?? env.SCIM_DATA_DIR ?? '.data');
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const stackName = flags.stack ?? (env.SCIM_STACK || undefined);
  const aws =
    Boolean(flags.region ?? flags.profile ?? stackName) ||
    (!flags.endpoint && !env.DYNAMODB_ENDPOINT && !readRunningInstance(dataDir) && Boolean(region));
  const endpoint = aws ? undefined : (flags.endpoint ?? env.DYNAMODB_ENDPOINT ?? readRunningInstance(dataDir)?.endpoint);
  if (!aws && !endpoint) {
    throw new AdminError(
      `no running local DynamoDB in ${dataDir} (start it with \`npm start\`); for a table in AWS give --region and --table`,
      EXIT.unreachable,
    );
  }
  if (aws && !stackName && !(flags.table ?? env.TABLE_NAME)) {
    throw usageError('give the stack name with --stack (or the table with --table) for a table in AWS');
  }
  // The SDK's default credential chain reads AWS_PROFILE.
  if (flags.profile) process.env.AWS_PROFILE = flags.profile;
  const outputs = aws && stackName ? await stackOutputs(stackName, region) : {};
  eventStreamEnvironment(env, aws ? undefined : dataDir, outputs);
  const config: DynamoDBClientConfig = aws ? { region, maxAttempts: 4 } : clientConfig({ ...env, DYNAMODB_ENDPOINT: endpoint });
  const table = flags.table ?? outputs[STACK_OUTPUTS.tableName] ?? env.TABLE_NAME ?? DEFAULT_TABLE_NAME;
  await checkReachable(config, table);
  const db: Db = { client: createDocumentClient(config), table };
  const secretsClient = aws ? new SecretsManagerClient({ region }) : undefined;
  return {
    db,
    local: !aws,
    outputs,
    dataDir,
    region,
    secrets: secretsClient ? secretsManagerStore(secretsClient) : fileStore,
    secretIdOf(tenantId, given) {
      if (given) return given;
      if (!aws) return tokenFile(dataDir, tenantId);
      if (stackName) return outputs[STACK_OUTPUTS.tokenSecret(tenantId)] ?? cliTokenSecretName(stackName, tenantId);
      throw usageError("give the tenant's token secret with --secret-id, or --stack to use the stack's secrets");
    },
    close() {
      db.client.destroy();
      secretsClient?.destroy();
    },
  };
}

/**
 * What the event stream service needs (functions/events/stream-service.ts): locally the data folder's
 * keys that seal push Authorization headers and sign SETs (as npm start uses them); in AWS the stack's SSF issuer and
 * secrets key. Values already in the environment win.
 */
function eventStreamEnvironment(env: NodeJS.ProcessEnv, dataDir: string | undefined, outputs: Record<string, string>): void {
  if (dataDir) env.EVENTS_LOCAL_SECRETS_FILE ??= join(dataDir, EVENTS_SECRETS_FILE);
  // The SETs' signing key (a replayed outbox batch signs with it: admin/redrive-consumers.ts).
  if (dataDir) env.EVENTS_LOCAL_KEY_FILE ??= join(dataDir, EVENTS_KEY_FILE);
  const issuer = outputs[STACK_OUTPUTS.ssfIssuer];
  const secretsKey = outputs[STACK_OUTPUTS.eventSecretsKeyArn];
  if (issuer) env.SSF_ISSUER ??= issuer;
  if (secretsKey) env.EVENTS_SECRETS_KEY_ARN ??= secretsKey;
}

/** The stack's outputs by key; a missing stack or no access is an AdminError that says so. */
async function stackOutputs(stackName: string, region: string | undefined): Promise<Record<string, string>> {
  const client = new CloudFormationClient({ ...(region ? { region } : {}), maxAttempts: 4 });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks?.[0]?.Outputs ?? [];
    const byKey = Object.fromEntries(outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue] as const] : [])));
    if (!byKey[STACK_OUTPUTS.tableName])
      throw new AdminError(`stack "${stackName}" has no ${STACK_OUTPUTS.tableName} output (deploy this version first)`, EXIT.unreachable);
    return byKey;
  } catch (error) {
    if (error instanceof AdminError) throw error;
    const name = errorName(error) ?? 'Error';
    const message = (error as { message?: string }).message ?? '';
    throw new AdminError(
      /does not exist/.test(message)
        ? `stack "${stackName}" does not exist in ${region ?? 'the default region'}`
        : `cannot read stack "${stackName}" (${name})`,
      EXIT.unreachable,
    );
  } finally {
    client.destroy();
  }
}

async function checkReachable(config: DynamoDBClientConfig, table: string): Promise<void> {
  const client = new DynamoDBClient({ ...config, maxAttempts: 1 });
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (error) {
    const name = errorName(error) ?? 'Error';
    const why = name === 'ResourceNotFoundException' ? `table "${table}" does not exist` : `cannot reach DynamoDB (${name})`;
    throw new AdminError(why, EXIT.unreachable);
  } finally {
    client.destroy();
  }
}

/** Local tokens live in files next to DynamoDB Local's data, mode 0600, like `npm start` keeps them. */
const fileStore: TokenSecretStore = {
  async read(file) {
    return existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
  },
  async write(file, token) {
    await writeFile(file, `${token}\n`, { mode: 0o600 });
  },
};
