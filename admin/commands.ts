/**
 * The `scim-admin` commands. Each takes the connection, its positional arguments and flags, and
 * writes its result to `out` (tab-separated lines or JSON); failures are AdminErrors with an exit code.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Db } from '../functions/store/db';
import { groupIdsOfUser, listMembers } from '../functions/store/memberships';
import { tenantStats } from '../functions/tenants/tenant-stats';
import { COUNTED_TYPES } from '../functions/store/resource-counts';
import { recountResources } from '../functions/store/resources';
import { findIdByUnique, getResource, type StoredResource } from '../functions/store/resources';
import { pages, startingAt } from '../functions/store/paging';
import { getTenant } from '../functions/store/tenants';
import { foldUnique } from '../functions/scim/schema/uniqueness';
import type { ResourceTypeName } from '../functions/scim/schema/types';
import { readTenant } from '../functions/tenants/tenant-service';
import { profileOf } from '../functions/tenants/profile-from-settings';
import { generateToken } from '../functions/credentials/secret-token';
import type { Connection } from './connection';
import { streamCommands, type StreamFlags } from './stream-commands';
import { tenantCommands, type TenantFlags } from './tenant-commands';
import { activityCommands, type ActivityFlags } from './activity-commands';
import { redriveCommand } from './redrive';
import { AdminError, EXIT, notFoundError, serviceCall, tenantFlagOf, usageError } from './cli-errors';
import { exportTenant, importTenant, type Progress } from './transfer';
import {
  addClient,
  addClientSecret,
  listTenantClients,
  readTenantClient,
  revokeClientSecret,
  revokeTenantClient,
  type ClientView,
} from '../functions/credentials/client-service';
import type { ClientCredentials } from '../functions/credentials/client-credentials';

/** Every command's flags: the tenant, stream and activity commands' own, plus export's and import's `--file`. */
export interface Flags extends TenantFlags, StreamFlags, ActivityFlags {
  readonly file?: string;
}

export interface Io {
  out(line: string): void;
  progress: Progress;
}

type Command = (connection: Connection, args: string[], flags: Flags, io: Io) => Promise<void>;

export const commands: Record<string, Command> = {
  ...activityCommands,
  'clients add': async (connection, _args, flags, io) => {
    const tenantId = tenantFlagOf(flags);
    const client = await serviceCall(() => addClient(connection.db, tenantId));
    await showCredentials(
      connection,
      client,
      flags,
      io,
      `OAuth client ${client.clientId} added to ${tenantId} (secret ${client.secretId}).`,
    );
  },
  'clients list': async ({ db }, _args, flags, io) => {
    const clients = await serviceCall(() => listTenantClients(db, tenantFlagOf(flags)));
    if (flags.json) return io.out(JSON.stringify(clients, null, 2));
    for (const c of clients) io.out(clientLine(c));
  },
  'clients get': async ({ db }, [clientId], flags, io) => {
    const client = await serviceCall(() => readTenantClient(db, tenantFlagOf(flags), clientIdOf(clientId)));
    io.out(flags.json ? JSON.stringify(client, null, 2) : clientLine(client));
  },
  'clients rotate': async (connection, [clientId], flags, io) => {
    const tenantId = tenantFlagOf(flags);
    const secret = await serviceCall(() => addClientSecret(connection.db, tenantId, clientIdOf(clientId)));
    await showCredentials(
      connection,
      secret,
      flags,
      io,
      `New secret ${secret.id} for OAuth client ${secret.clientId}; both secrets work until you revoke the old one (clients revoke-secret).`,
    );
  },
  'clients revoke-secret': async ({ db }, [clientId, secretId], flags, io) => {
    const tenantId = tenantFlagOf(flags);
    if (!secretId) throw usageError('clients revoke-secret <clientId> <secretId> --tenant <tenantId>');
    await serviceCall(() => revokeClientSecret(db, tenantId, clientIdOf(clientId), secretId));
    io.out(`Secret ${secretId} of OAuth client ${clientId} revoked: it gets no more tokens; the client's other secret keeps working.`);
  },
  'clients revoke': async ({ db }, [clientId], flags, io) => {
    const tenantId = tenantFlagOf(flags);
    await serviceCall(() => revokeTenantClient(db, tenantId, clientIdOf(clientId)));
    io.out(
      `OAuth client ${clientId} of ${tenantId} revoked: it gets no tokens, and its tokens are refused (within the authorizer cache TTL in AWS).`,
    );
  },
  // Runs without a connection (bin/scim-admin.ts); listed so that usage and dispatch know it.
  'tokens generate': async (_connection, _args, _flags, io) => io.out(generateToken()),
  'events redrive': async (connection, _args, _flags, io) => redriveCommand(connection, io),

  'users find': async ({ db }, [key], flags, io) =>
    io.out(JSON.stringify(await findResource(db, await tenantFlag(db, flags), 'User', key), null, 2)),
  'groups find': async ({ db }, [key], flags, io) =>
    io.out(JSON.stringify(await findResource(db, await tenantFlag(db, flags), 'Group', key), null, 2)),
  'groups members': async ({ db }, [groupId], flags, io) => {
    const tenantId = await tenantFlag(db, flags);
    const group = await findResource(db, tenantId, 'Group', groupId);
    for await (const page of pages((startKey) => listMembers(db, tenantId, group.id, startingAt(startKey)))) {
      for (const userId of page.userIds) io.out(userId);
    }
  },
  'user groups': async ({ db }, [userId], flags, io) => {
    const tenantId = await tenantFlag(db, flags);
    const user = await findResource(db, tenantId, 'User', userId);
    for (const groupId of await groupIdsOfUser(db, tenantId, user.id)) io.out(groupId);
  },
  stats: async ({ db }, [positional], flags, io) => {
    const tenantId = await existingTenant(db, flags.tenant ?? positional);
    const stats = await serviceCall(() => tenantStats(db, tenantId));
    for (const [name, value] of Object.entries(stats)) io.out(`${name}\t${value}`);
  },
  /** The repair of docs/operations.md#resource-counts: each counted type's counters set to a COUNT of its items. */
  'counts recount': async ({ db }, [positional], flags, io) => {
    const tenantId = await existingTenant(db, flags.tenant ?? positional);
    for (const type of COUNTED_TYPES) {
      const { before, after } = await recountResources(db, tenantId, type);
      io.out(`${type}\t${before}\t${after}`);
    }
  },
  export: async ({ db }, _args, flags, io) => {
    const tenantId = await tenantFlag(db, flags);
    const stream = flags.file ? createWriteStream(flags.file) : process.stdout;
    const write = async (line: string) => {
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    };
    const counts = await exportTenant(db, tenantId, write, io.progress);
    if (flags.file)
      await new Promise<void>((resolve, reject) =>
        (stream as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    process.stderr.write(`exported ${counts.User} users, ${counts.Group} groups, ${counts.Membership} memberships\n`);
  },
  import: async ({ db }, _args, flags, io) => {
    const tenant = await getTenant(db, await tenantFlag(db, flags));
    if (!tenant) throw notFoundError(`no tenant "${flags.tenant ?? ''}"`);
    const input = flags.file ? createReadStream(flags.file) : process.stdin;
    const result = await importTenant(db, tenant, createInterface({ input, crlfDelay: Infinity }), io.progress);
    io.out(`created\t${result.created}\nupdated\t${result.updated}\nunchanged\t${result.unchanged}\nmemberships\t${result.memberships}`);
    for (const failure of result.failures) process.stderr.write(`${failure}\n`);
    if (result.failures.length > 0) throw new AdminError(`${result.failures.length} line(s) failed`, EXIT.failed);
  },
  ...(streamCommands as Record<string, Command>),
  ...(tenantCommands as Record<string, Command>),
};

const clientIdOf = (value: string | undefined): string => {
  if (!value) throw usageError('give the OAuth client id');
  return value;
};

const clientLine = (c: ClientView): string =>
  [
    c.clientId,
    c.status,
    `created ${c.createdAt}`,
    ...c.secrets.map((s) => `secret ${s.id} ${s.createdAt}`),
    c.revokedAt ? `revoked ${c.revokedAt}` : '',
  ]
    .filter(Boolean)
    .join('\t');

/**
 * A client secret is shown once: printed (for the admin to paste into Entra), or with
 * `--secret-id` written to that secret as JSON {clientId, clientSecret} and not printed.
 */
async function showCredentials(
  connection: Connection,
  credentials: ClientCredentials,
  flags: Flags,
  io: Io,
  summary: string,
): Promise<void> {
  if (flags['secret-id']) {
    await connection.secrets.write(flags['secret-id'], JSON.stringify(credentials));
    io.out(`${summary} Its credentials are in ${flags['secret-id']}.`);
    return;
  }
  if (flags.json) return io.out(JSON.stringify(credentials));
  io.out(summary);
  io.out(`Client ID:     ${credentials.clientId}`);
  io.out(`Client Secret: ${credentials.clientSecret}   (shown once: only its hash is stored)`);
}

/** The tenant's id once the tenant service found it (not found: exit 3). */
async function existingTenant(db: Db, value: string | undefined): Promise<string> {
  return (await serviceCall(() => readTenant(db, tenantFlagOf({ tenant: value })))).id;
}

const tenantFlag = (db: Db, flags: Flags) => existingTenant(db, flags.tenant);

/** By id, else by the unique attributes (userName/displayName, externalId), as the filters fold them. */
async function findResource(db: Db, tenantId: string, type: ResourceTypeName, key: string | undefined): Promise<StoredResource> {
  if (!key)
    throw usageError(`give the ${type === 'User' ? 'user' : 'group'}'s id, ${type === 'User' ? 'userName' : 'displayName'} or externalId`);
  const byId = await getResource(db, tenantId, type, key);
  if (byId) return byId;
  const { schemas } = profileOf((await getTenant(db, tenantId))?.settings).profile;
  for (const attribute of [type === 'User' ? 'userName' : 'displayName', 'externalId']) {
    // externalId is shared (not unique) unless the tenant chose uniqueness: the first owner found.
    const shared = schemas.keyedAttributesOf(type).find((a) => a.name === attribute)?.shared ?? false;
    const id = await findIdByUnique(db, tenantId, type, {
      attribute,
      value: foldUnique(schemas, type, attribute, key),
      ...(shared ? { shared } : {}),
    });
    const found = id ? await getResource(db, tenantId, type, id) : undefined;
    if (found) return found;
  }
  throw notFoundError(`no ${type} "${key}" in tenant ${tenantId}`);
}
