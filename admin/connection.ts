/**
 * Which table the CLI works on. Local by default: the DynamoDB Local that `npm start` runs from
 * SCIM_DATA_DIR (its endpoint is in `<dataDir>/dynamodb-local.json`), table `scim-local`, tokens
 * kept in `<dataDir>/<tenant>-token` like the local server does. In AWS (`--region`, `--profile`
 * or AWS_REGION, with `--table`): the real table, tokens in Secrets Manager (`--secret-id`).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, createDocumentClient } from '../functions/store/client';
import type { Db } from '../functions/store/db';
import type { TokenSecretStore } from '../functions/tenants/onboard';
import { readRunningInstance } from '../local/dynamodb-local';
import { tokenFile } from '../local/local-tenants';
import { DEFAULT_TABLE_NAME } from '../local/server';
import { AdminError, EXIT, usageError } from './errors';

export interface ConnectionFlags {
  readonly table?: string;
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
  /** The secret id of a tenant's token: its local token file, or `--secret-id` in AWS. */
  secretIdOf(tenantId: string, given: string | undefined): string;
  close(): void;
}

export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const dataDir = resolve(flags['data-dir'] ?? env.SCIM_DATA_DIR ?? '.data');
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const aws = Boolean(flags.region ?? flags.profile) || (!flags.endpoint && !env.DYNAMODB_ENDPOINT && !readRunningInstance(dataDir) && Boolean(region));
  const endpoint = aws ? undefined : (flags.endpoint ?? env.DYNAMODB_ENDPOINT ?? readRunningInstance(dataDir)?.endpoint);
  if (!aws && !endpoint) {
    throw new AdminError(`no running local DynamoDB in ${dataDir} (start it with \`npm start\`); for a table in AWS give --region and --table`, EXIT.unreachable);
  }
  if (aws && !(flags.table ?? env.TABLE_NAME)) throw usageError('give the table name with --table (or TABLE_NAME) for a table in AWS');
  // The SDK's default credential chain reads AWS_PROFILE.
  if (flags.profile) process.env.AWS_PROFILE = flags.profile;
  const config: DynamoDBClientConfig = aws ? { region, maxAttempts: 4 } : clientConfig({ ...env, DYNAMODB_ENDPOINT: endpoint });
  const table = flags.table ?? env.TABLE_NAME ?? DEFAULT_TABLE_NAME;
  await checkReachable(config, table);
  const db: Db = { client: createDocumentClient(config), table };
  const secretsClient = aws ? new SecretsManagerClient({ region }) : undefined;
  return {
    db,
    local: !aws,
    secrets: secretsClient ? secretsManagerStore(secretsClient) : fileStore,
    secretIdOf(tenantId, given) {
      if (given) return given;
      if (!aws) return tokenFile(dataDir, tenantId);
      throw usageError('give the tenant\'s token secret with --secret-id (the TokenSecret output of the stack)');
    },
    close() {
      db.client.destroy();
      secretsClient?.destroy();
    },
  };
}

async function checkReachable(config: DynamoDBClientConfig, table: string): Promise<void> {
  const client = new DynamoDBClient({ ...config, maxAttempts: 1 });
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'Error';
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

function secretsManagerStore(client: SecretsManagerClient): TokenSecretStore {
  return {
    async read(secretId) {
      return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    },
    async write(secretId, token) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: token }));
    },
  };
}
