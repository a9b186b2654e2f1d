/** Writes the local tenants (through the tenant service) and their token hashes, OAuth clients and federated credentials, as the seed does in AWS. */
import type { DeclaredFederatedCredential } from '../functions/federation/credential-schema';
import { syncDeclaredFederatedCredentials } from '../functions/federation/federated-credentials';
import { addClient } from '../functions/credentials/client-service';
import type { ClientCredentials } from '../functions/credentials/client-credentials';
import type { Db } from '../functions/store/db';
import { AlreadyExists, InvalidInput, InvalidState } from '../functions/commons/service-errors';
import { createTenant, updateTenantSettings, type TenantServiceDeps } from '../functions/tenants/tenant-service';
import { adoptToken } from '../functions/credentials/token-service';
import type { TenantSettingsInput } from '../functions/tenants/settings-schema';
import { TENANT_ID_PATTERN } from '../functions/tenants/tenant-id';
import { hashToken, TOKEN_PATTERN } from '../functions/credentials/secret-token';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyDeclaredStreams } from '../functions/events/declared-streams';
import type { DeclaredStream } from '../functions/events/stream-config';

export interface LocalTenant {
  readonly tenantId: string;
  readonly token: string;
  readonly displayName?: string;
  readonly settings?: TenantSettingsInput;
  /** tenants.json asks for an OAuth client (`oauthClient: true`): `npm start` makes one. */
  readonly oauthClient?: boolean;
  /** tenants.json's federated credentials (validated there): the tenant's declared ones become exactly these. */
  readonly federatedCredentials?: readonly DeclaredFederatedCredential[];
  /** Event streams tenants.json declares (docs/events.md). */
  readonly eventStreams?: readonly DeclaredStream[];
}

export function validateLocalTenant(tenant: Pick<LocalTenant, 'tenantId' | 'token'>): void {
  if (!TENANT_ID_PATTERN.test(tenant.tenantId)) {
    throw new Error(`tenant id "${tenant.tenantId}": use lowercase letters, digits and dashes (1-63 characters)`);
  }
  if (!TOKEN_PATTERN.test(tenant.token)) {
    throw new Error(`the token of tenant "${tenant.tenantId}" must match ${TOKEN_PATTERN} (generate one with the admin CLI)`);
  }
}

/**
 * Through the tenant service, as the admin API and the tenants.json seed: a new tenant is created;
 * an existing one (across restarts) keeps its status (a tenant paused or disabled through the API or
 * CLI stays so), its settings unless new ones are given, and its display name unless one is given.
 */
export async function seedTenants(deps: TenantServiceDeps, tenants: readonly LocalTenant[]): Promise<void> {
  tenants.forEach(validateLocalTenant);
  for (const tenant of tenants) {
    const given = {
      ...(tenant.displayName !== undefined ? { displayName: tenant.displayName } : {}),
      ...(tenant.settings !== undefined ? { settings: tenant.settings } : {}),
    };
    await named(tenant.tenantId, () => createOrUpdate(deps, tenant.tenantId, given));
    // Listed and counted like an issued token (admin API GET .../tokens shows its id, never the token).
    await adoptToken(deps.db, tenant.tenantId, hashToken(tenant.token));
    if (tenant.federatedCredentials) await syncDeclaredFederatedCredentials(deps.db, tenant.tenantId, tenant.federatedCredentials);
  }
}

async function createOrUpdate(deps: TenantServiceDeps, id: string, given: { displayName?: string; settings?: unknown }): Promise<void> {
  try {
    await createTenant(deps, { id, displayName: id, ...given });
    return;
  } catch (error) {
    if (!(error instanceof AlreadyExists)) throw error;
  }
  try {
    if (Object.keys(given).length > 0) await updateTenantSettings(deps, id, given);
  } catch (error) {
    // A tenant being deleted (through the API or CLI) stays so: its credentials are refused anyway.
    if (!(error instanceof InvalidState)) throw error;
  }
}

/** Settings are validated at start, as at synth: a bad one stops the server (naming the tenant and the path), not a request. */
async function named(tenantId: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof InvalidInput) throw new Error(`tenant "${tenantId}": settings are invalid: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Where a declared poll stream's credential is kept locally (shown once: only this file has it). */
export const pollCredentialFile = (dir: string, tenantId: string, streamId: string) =>
  join(dir, `${tenantId}-stream-${streamId}-poll-credential`);

/** Applies the tenants' declared event streams; a new poll stream's credential goes to its file (mode 0600). */
export async function seedEventStreams(db: Db, tenants: readonly LocalTenant[], dir: string, log: (line: string) => void): Promise<void> {
  for (const tenant of tenants) {
    const credentials = await applyDeclaredStreams(db, tenant.tenantId, tenant.eventStreams ?? []);
    for (const [streamId, credential] of Object.entries(credentials)) {
      const file = pollCredentialFile(dir, tenant.tenantId, streamId);
      writeFileSync(file, `${credential}\n`, { mode: 0o600 });
      log(`event stream ${tenant.tenantId}/${streamId}: poll credential in ${file}`);
    }
  }
}

export interface LocalOAuthClient extends ClientCredentials {
  readonly tenantId: string;
}

/** Each client with exactly its credentials (replacing a client of the same id): idempotent across restarts. */
export async function seedOAuthClients(db: Db, clients: readonly LocalOAuthClient[]): Promise<void> {
  for (const client of clients) await addClient(db, client.tenantId, { clientId: client.clientId, clientSecret: client.clientSecret });
}
