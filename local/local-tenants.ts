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
import { loadTenantsFile, type TenantConfig } from '../functions/tenants/config';
import { generateToken, TOKEN_PATTERN } from '../functions/tenants/token';
import { validateLocalTenant, type LocalTenant } from './seed';

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
  const entries = value.split(',').map((part) => part.trim()).filter(Boolean);
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
    });
  }
  return tenants;
}

function readTenantsFile(file: string): TenantConfig[] {
  if (!existsSync(file)) return [];
  try {
    return loadTenantsFile(file);
  } catch (error) {
    throw new Error(`${file} is invalid: ${error instanceof Error ? error.message : String(error)}`);
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
