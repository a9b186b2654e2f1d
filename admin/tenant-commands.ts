/**
 * `scim-admin tenants|tokens|connection`: the tenant admin API's operations one to one, each calling
 * the service function its admin route calls (tenants/tenant-service.ts, credentials/token-service.ts,
 * tenants/connection-info.ts), so the CLI validates, limits and refuses exactly as the API does:
 *
 *   tenants create|get|list|update|pause|resume|disable|delete   POST/GET/GET/PATCH/PATCH/PATCH/PATCH/DELETE /tenants[/{id}]
 *   tokens issue|list|revoke                                      POST/GET/DELETE /tenants/{id}/tokens[/{tokenId}]
 *   connection                                                    GET /tenants/{id}/connection
 *
 * A token the CLI issues goes into the tenant's token file (locally) or secret (AWS), never to stdout.
 */
import { readFile } from 'node:fs/promises';
import { issueToken, listTokens, revokeToken } from '../functions/credentials/token-service';
import { readConnection } from '../functions/tenants/connection-info';
import {
  createTenant,
  deleteTenant,
  listTenants,
  readTenant,
  updateTenantSettings,
  type TenantServiceDeps,
  type TenantView,
} from '../functions/tenants/tenant-service';
import { DEFAULT_PORT } from '../local/data-folder';
import { STACK_OUTPUTS } from '../lib/stack-outputs';
import { serviceCall, usageError } from './cli-errors';
import { cliRateTiers } from './cli-rate-tiers';
import { cliPurgeQueue } from './cli-purge-queue';
import type { Connection } from './connection';

export interface TenantFlags {
  readonly tenant?: string;
  readonly name?: string;
  readonly 'rate-tier'?: string;
  readonly 'settings-file'?: string;
  readonly 'secret-id'?: string;
  readonly 'api-url'?: string;
  readonly json?: boolean;
}

interface Io {
  out(line: string): void;
}

type TenantCommand = (connection: Connection, args: string[], flags: TenantFlags, io: Io) => Promise<void>;

const deps = (connection: Connection): TenantServiceDeps => {
  const purgeQueue = cliPurgeQueue(connection);
  return { db: connection.db, rateTiers: cliRateTiers(connection), ...(purgeQueue ? { purgeQueue } : {}) };
};

function required(value: string | undefined, what: string): string {
  if (!value) throw usageError(`give ${what}`);
  return value;
}

/** The tenant of a command: its first argument or --tenant. */
const tenantOf = (args: string[], flags: TenantFlags): string => required(args[0] ?? flags.tenant, 'the tenant id');

/** displayName, settings and rateTier from the flags, as the API's JSON body (validated by the service). */
async function changesOf(flags: TenantFlags): Promise<Record<string, unknown>> {
  const settings = flags['settings-file'] ? (JSON.parse(await readFile(flags['settings-file'], 'utf8')) as unknown) : undefined;
  return {
    ...(flags.name !== undefined ? { displayName: flags.name } : {}),
    ...(settings !== undefined ? { settings } : {}),
    ...(flags['rate-tier'] !== undefined ? { rateTier: flags['rate-tier'] } : {}),
  };
}

const tenantLine = (t: TenantView): string => [t.id, t.status, t.displayName, t.rateTier].join('\t');

function show(io: Io, flags: TenantFlags, tenant: TenantView, summary: string): void {
  io.out(flags.json ? JSON.stringify(tenant, null, 2) : summary);
}

const statusCommand =
  (status: 'active' | 'paused' | 'disabled', summary: (id: string) => string): TenantCommand =>
  async (connection, args, flags, io) => {
    const id = tenantOf(args, flags);
    show(io, flags, await serviceCall(() => updateTenantSettings(deps(connection), id, { status })), summary(id));
  };

/** The API's base URL for the connection values: --api-url, the stack's ApiUrl output, or npm start's default. */
function apiUrlOf(connection: Connection, flags: TenantFlags): string {
  const url = flags['api-url'] ?? connection.outputs?.[STACK_OUTPUTS.apiUrl] ?? `http://localhost:${DEFAULT_PORT}`;
  return url.replace(/\/+$/, '');
}

export const tenantCommands: Record<string, TenantCommand> = {
  'tenants create': async (connection, args, flags, io) => {
    const id = tenantOf(args, flags);
    const input = { id, displayName: flags.name ?? id, ...(await changesOf(flags)) };
    const tenant = await serviceCall(() => createTenant(deps(connection), input));
    show(io, flags, tenant, `Tenant ${id} created (rate tier ${tenant.rateTier}); issue its token with "tokens issue --tenant ${id}".`);
  },
  'tenants get': async ({ db }, args, flags, io) => {
    const tenant = await serviceCall(() => readTenant(db, tenantOf(args, flags)));
    show(io, flags, tenant, tenantLine(tenant));
  },
  'tenants list': async ({ db }, _args, flags, io) => {
    const all: TenantView[] = [];
    let cursor: string | undefined;
    do {
      const page = await serviceCall(() => listTenants(db, { limit: 200, ...(cursor ? { cursor } : {}) }));
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    if (flags.json) return io.out(JSON.stringify(all, null, 2));
    for (const tenant of all) io.out(tenantLine(tenant));
  },
  'tenants update': async (connection, args, flags, io) => {
    const id = tenantOf(args, flags);
    const changes = await changesOf(flags);
    if (Object.keys(changes).length === 0) throw usageError('give --name, --settings-file or --rate-tier');
    show(io, flags, await serviceCall(() => updateTenantSettings(deps(connection), id, changes)), `Tenant ${id} updated.`);
  },
  'tenants pause': statusCommand(
    'paused',
    (id) => `Tenant ${id} paused: its SCIM and token requests get 503 with Retry-After; nothing changes.`,
  ),
  'tenants resume': statusCommand('active', (id) => `Tenant ${id} active.`),
  'tenants disable': statusCommand(
    'disabled',
    (id) => `Tenant ${id} disabled: its credentials are refused (within the authorizer cache TTL in AWS); its data stays.`,
  ),
  'tenants delete': async (connection, args, flags, io) => {
    const id = tenantOf(args, flags);
    const tenant = await serviceCall(() => deleteTenant(deps(connection), id));
    show(io, flags, tenant, `Tenant ${id} is being deleted: its credentials are refused from now on.`);
  },

  'tokens issue': async (connection, _args, flags, io) => {
    const tenantId = required(flags.tenant, '--tenant <tenantId>');
    const issued = await serviceCall(() => issueToken(connection.db, tenantId));
    const secretId = connection.secretIdOf(tenantId, flags['secret-id']);
    await connection.secrets.write(secretId, issued.token);
    if (flags.json) return io.out(JSON.stringify({ id: issued.id, createdAt: issued.createdAt, secretId }, null, 2));
    io.out(`Token ${issued.id} issued for ${tenantId}; it is in ${secretId} (shown nowhere else).`);
  },
  'tokens list': async ({ db }, _args, flags, io) => {
    const tokens = await serviceCall(() => listTokens(db, required(flags.tenant, '--tenant <tenantId>')));
    if (flags.json) return io.out(JSON.stringify(tokens, null, 2));
    for (const t of tokens)
      io.out([t.id, `created ${t.createdAt}`, t.expiresAt ? `expires ${t.expiresAt}` : ''].filter(Boolean).join('\t'));
  },
  'tokens revoke': async ({ db }, [tokenId], flags, io) => {
    const tenantId = required(flags.tenant, '--tenant <tenantId>');
    await serviceCall(() => revokeToken(db, tenantId, required(tokenId, 'the token id (tokens list)')));
    io.out(`Token ${tokenId} of ${tenantId} revoked: refused from the authorizer's next evaluation (its cache TTL in AWS).`);
  },

  connection: async (connection, args, flags, io) => {
    const info = await serviceCall(() => readConnection(connection.db, apiUrlOf(connection, flags), tenantOf(args, flags)));
    io.out(JSON.stringify(info, null, 2));
  },
};
