/**
 * Which tenants `npm start` seeds, and with which tokens:
 *  - SCIM_LOCAL_TENANTS="acme=<token>,contoso=<token>": those tenants with those tokens;
 *    unset: a tenant `dev`;
 *  - plus every tenant of tenants.json (display name and settings from there);
 *  - a tenant without a token from SCIM_LOCAL_TENANTS gets a generated one, kept in
 *    `<dataDir>/<tenantId>-token` (mode 0600) so it survives restarts: the table only has its hash.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, generateClientCredentials } from '../functions/credentials/client-credentials';
import { TENANT_ID_PATTERN } from '../functions/tenants/tenant-id';
import { loadTenantsFile, type TenantConfig } from '../functions/tenants/tenants-file';
import { generateToken, TOKEN_PATTERN } from '../functions/credentials/secret-token';
import { validateLocalTenant, type LocalOAuthClient, type LocalTenant } from './seed';

export const DEV_TENANT_ID = 'dev';

export interface LocalTenantSources {
  /** The value of SCIM_LOCAL_TENANTS, if set. */
  readonly localTenants: string | undefined;
  readonly tenantsFile: string;
  readonly dataDir: string;
}

/** Parses `id=token,id=token`; throws a message naming the bad entry. */
export function parseLocalTenants(value: string): Map<string, string> {
  const tokens = new Map<string, string>();
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf('=');
    // The entry itself is not echoed: it may be a bare token.
    if (separator <= 0) throw new Error(`SCIM_LOCAL_TENANTS: entry ${index + 1} is not of the form <tenantId>=<token>`);
    const tenantId = entry.slice(0, separator).trim();
    const token = entry.slice(separator + 1).trim();
    if (tokens.has(tenantId)) throw new Error(`SCIM_LOCAL_TENANTS: tenant "${tenantId}" is listed twice`);
    validateLocalTenant({ tenantId, token });
    tokens.set(tenantId, token);
  }
  if (tokens.size === 0) throw new Error('SCIM_LOCAL_TENANTS is set but lists no tenant');
  return tokens;
}

export async function localTenants(sources: LocalTenantSources): Promise<LocalTenant[]> {
  const given = sources.localTenants === undefined ? undefined : parseLocalTenants(sources.localTenants);
  const configs = new Map(readTenantsFile(sources.tenantsFile).map((config) => [config.id, config]));
  const ids = new Set([...(given?.keys() ?? [DEV_TENANT_ID]), ...configs.keys()]);
  const tenants: LocalTenant[] = [];
  for (const tenantId of ids) {
    const config = configs.get(tenantId);
    tenants.push({
      tenantId,
      token: given?.get(tenantId) ?? (await storedToken(sources.dataDir, tenantId)),
      displayName: config?.displayName ?? (tenantId === DEV_TENANT_ID ? 'Local development' : tenantId),
      ...(config ? { settings: config.settings } : {}),
      ...(config?.oauthClient ? { oauthClient: true } : {}),
      ...(config ? { federatedCredentials: config.federatedCredentials } : {}),
      ...(config && config.eventStreams.length > 0 ? { eventStreams: config.eventStreams } : {}),
    });
  }
  return tenants;
}

function readTenantsFile(file: string): TenantConfig[] {
  if (!existsSync(file)) return [];
  try {
    return loadTenantsFile(file);
  } catch (error) {
    throw new Error(`${file} is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export const tokenFile = (dataDir: string, tenantId: string) => join(dataDir, `${tenantId}-token`);

/** The tenant's generated local token, created on first use. */
export async function storedToken(dataDir: string, tenantId: string): Promise<string> {
  const file = tokenFile(dataDir, tenantId);
  if (existsSync(file)) {
    const token = (await readFile(file, 'utf8')).trim();
    if (TOKEN_PATTERN.test(token)) return token;
  }
  const token = generateToken();
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export const oauthClientFile = (dataDir: string, tenantId: string) => join(dataDir, `${tenantId}-oauth-client.json`);

/**
 * Which OAuth clients `npm start` seeds:
 *  - SCIM_LOCAL_OAUTH_CLIENTS="acme=<clientId>:<clientSecret>,..." exactly those (their tenants
 *    must be seeded too);
 *  - unset: one client for the tenant `dev` (when it is seeded) and for each tenants.json tenant with
 *    `oauthClient: true`, generated on first start and kept in `<dataDir>/<tenantId>-oauth-client.json`
 *    (mode 0600) so it survives restarts.
 */
export async function localOAuthClients(
  value: string | undefined,
  tenants: readonly LocalTenant[],
  dataDir: string,
): Promise<LocalOAuthClient[]> {
  const seeded = new Set(tenants.map((tenant) => tenant.tenantId));
  if (value === undefined) {
    const wanted = tenants.filter((tenant) => tenant.tenantId === DEV_TENANT_ID || tenant.oauthClient);
    return Promise.all(wanted.map((tenant) => storedOAuthClient(dataDir, tenant.tenantId)));
  }
  const clients = parseLocalOAuthClients(value);
  for (const client of clients) {
    if (!seeded.has(client.tenantId)) throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: tenant "${client.tenantId}" is not a local tenant`);
  }
  return clients;
}

/** Parses `tenant=clientId:clientSecret,...`; messages name the entry, never echo a secret. */
export function parseLocalOAuthClients(value: string): LocalOAuthClient[] {
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const clients: LocalOAuthClient[] = [];
  for (const [index, entry] of entries.entries()) {
    const match = /^([^=]+)=([^:]+):(.+)$/.exec(entry);
    if (!match) throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: entry ${index + 1} is not of the form <tenantId>=<clientId>:<clientSecret>`);
    const [, tenantId = '', clientId = '', clientSecret = ''] = match.map((part) => part.trim());
    if (!TENANT_ID_PATTERN.test(tenantId))
      throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: entry ${index + 1}: "${tenantId}" is not a tenant id`);
    if (!CLIENT_ID_PATTERN.test(clientId))
      throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: entry ${index + 1}: the client id must match ${CLIENT_ID_PATTERN}`);
    if (!CLIENT_SECRET_PATTERN.test(clientSecret)) {
      throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: entry ${index + 1}: the client secret must be 43 base64url characters (32 random bytes)`);
    }
    if (clients.some((client) => client.tenantId === tenantId && client.clientId === clientId)) {
      throw new Error(`SCIM_LOCAL_OAUTH_CLIENTS: client "${clientId}" of tenant "${tenantId}" is listed twice`);
    }
    clients.push({ tenantId, clientId, clientSecret });
  }
  if (clients.length === 0) throw new Error('SCIM_LOCAL_OAUTH_CLIENTS is set but lists no client');
  return clients;
}

async function storedOAuthClient(dataDir: string, tenantId: string): Promise<LocalOAuthClient> {
  const file = oauthClientFile(dataDir, tenantId);
  if (existsSync(file)) {
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalOAuthClient>;
      if (
        typeof stored.clientId === 'string' &&
        CLIENT_ID_PATTERN.test(stored.clientId) &&
        typeof stored.clientSecret === 'string' &&
        CLIENT_SECRET_PATTERN.test(stored.clientSecret)
      ) {
        return { tenantId, clientId: stored.clientId, clientSecret: stored.clientSecret };
      }
    } catch {
      // Unreadable: replaced by a new client below.
    }
  }
  const client = { tenantId, ...generateClientCredentials() };
  await writeFile(file, `${JSON.stringify({ clientId: client.clientId, clientSecret: client.clientSecret })}\n`, { mode: 0o600 });
  return client;
}
