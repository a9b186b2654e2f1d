/**
 * `scim-admin`: operator tasks on a SCIM table, local or in AWS.
 *
 *   scim-admin tenants list
 *   scim-admin tenants add <tenantId> [--name "Display name"]     prints the new token once
 *   scim-admin tenants disable|enable <tenantId>
 *   scim-admin tokens issue <tenantId>                            an additional token (rotation step 1)
 *   scim-admin tokens revoke <tenantId> [--in-hours N]            reads the old token from stdin (step 2)
 *   scim-admin tokens generate                                    a token for SCIM_LOCAL_TENANTS
 *   scim-admin stats <tenantId>                                   users and groups in a tenant
 *
 * Table: TABLE_NAME (default scim-local). Endpoint: DYNAMODB_ENDPOINT, else the DynamoDB Local that
 * `npm start` runs from SCIM_DATA_DIR (default ./.data), else AWS with the usual credentials.
 * Tokens are printed only by `add`, `issue` and `generate`, and are never logged.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clientConfig, createDocumentClient } from '../functions/store/client';
import type { Db } from '../functions/store/db';
import { countResources } from '../functions/store/resources';
import { expireToken, getTenant, getToken, listTenants, putTenant, putToken, setTenantStatus } from '../functions/store/tenants';
import { TENANT_ID_PATTERN } from '../functions/tenants/config';
import { bearerToken, generateToken, hashToken } from '../functions/tenants/token';
import { readRunningInstance } from '../local/dynamodb-local';
import { DEFAULT_TABLE_NAME } from '../local/server';

const USAGE = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]?.replace(/^\/\*\*|^ \* ?/gm, '') ?? '';

function database(): Db {
  const env = { ...process.env };
  if (!env.DYNAMODB_ENDPOINT) {
    const running = readRunningInstance(resolve(env.SCIM_DATA_DIR ?? '.data'));
    if (running) env.DYNAMODB_ENDPOINT = running.endpoint;
    else if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
      throw new Error('no running local DynamoDB in SCIM_DATA_DIR (start it with `npm start`), and no AWS_REGION for a table in AWS');
    }
  }
  return { client: createDocumentClient(clientConfig(env)), table: env.TABLE_NAME ?? DEFAULT_TABLE_NAME };
}

async function requireTenant(db: Db, tenantId: string | undefined): Promise<string> {
  if (!tenantId || !TENANT_ID_PATTERN.test(tenantId)) throw new Error('give a tenant id (lowercase letters, digits and dashes)');
  if (!(await getTenant(db, tenantId))) throw new Error(`no tenant "${tenantId}"`);
  return tenantId;
}

async function issueToken(db: Db, tenantId: string): Promise<string> {
  const token = generateToken();
  await putToken(db, { tenantId, tokenHash: hashToken(token) });
  return token;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

type Command = (db: Db, args: string[], options: { name?: string; 'in-hours'?: string }) => Promise<void>;

const commands: Record<string, Command> = {
  'tenants list': async (db) => {
    for (const t of await listTenants(db)) console.log(`${t.tenantId}\t${t.status}\t${t.displayName}`);
  },
  'tenants add': async (db, [tenantId], options) => {
    if (!tenantId || !TENANT_ID_PATTERN.test(tenantId)) throw new Error('tenant id: lowercase letters, digits and dashes');
    if (await getTenant(db, tenantId)) throw new Error(`tenant "${tenantId}" exists; use "tokens issue" for another token`);
    await putTenant(db, { tenantId, displayName: options.name ?? tenantId });
    console.log(`Tenant ${tenantId} created. Secret Token (shown once):\n${await issueToken(db, tenantId)}`);
  },
  'tenants disable': async (db, [tenantId]) => setTenantStatus(db, await requireTenant(db, tenantId), 'disabled'),
  'tenants enable': async (db, [tenantId]) => setTenantStatus(db, await requireTenant(db, tenantId), 'active'),
  'tokens issue': async (db, [tenantId]) => {
    console.log(await issueToken(db, await requireTenant(db, tenantId)));
  },
  'tokens revoke': async (db, [tenantId], options) => {
    const id = await requireTenant(db, tenantId);
    // From stdin, so the old token never appears in shell history or process lists.
    const token = bearerToken(`Bearer ${await readStdin()}`);
    if (!token) throw new Error('pipe the token to revoke on stdin');
    const record = await getToken(db, hashToken(token));
    if (!record || record.tenantId !== id) throw new Error(`that token does not belong to tenant "${id}"`);
    const hours = Number(options['in-hours'] ?? 0);
    if (!Number.isFinite(hours) || hours < 0) throw new Error('--in-hours must be a number of hours >= 0');
    await expireToken(db, record.tokenHash, Math.floor(Date.now() / 1000 + hours * 3600));
    console.log(hours === 0 ? 'Token revoked.' : `Token expires in ${hours} h.`);
  },
  'tokens generate': async () => {
    console.log(generateToken());
  },
  stats: async (db, [tenantId]) => {
    const id = await requireTenant(db, tenantId);
    console.log(`users\t${await countResources(db, id, 'User')}\ngroups\t${await countResources(db, id, 'Group')}`);
  },
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, 'in-hours': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const two = positionals.slice(0, 2).join(' ');
  const key = commands[two] ? two : positionals[0] ?? '';
  const command = commands[key];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const db = database();
  try {
    await command(db, positionals.slice(key.split(' ').length), values);
    return 0;
  } finally {
    db.client.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`scim-admin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
