/** Writes the local tenants and their token hashes, OAuth clients and federated credentials, as onboarding does in AWS. */
import type { DeclaredFederatedCredential } from '../functions/federation/credential-schema';
import { syncDeclaredFederatedCredentials } from '../functions/federation/federated-credentials';
import { addClient } from '../functions/credentials/client-service';
import type { ClientCredentials } from '../functions/credentials/client-credentials';
import type { Db } from '../functions/store/db';
import { getTenant, putTenant } from '../functions/store/tenants';
import { adoptToken } from '../functions/credentials/token-service';
import { TENANT_ID_PATTERN, tenantSettingsSchema, type TenantSettingsInput } from '../functions/tenants/config';
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
 * Idempotent across restarts: a tenant keeps its status (a tenant disabled with the admin CLI stays
 * disabled), its settings unless new ones are given, and its display name unless one is given.
 */
export async function seedTenants(db: Db, tenants: readonly LocalTenant[]): Promise<void> {
  tenants.forEach(validateLocalTenant);
  for (const tenant of tenants) {
    const existing = await getTenant(db, tenant.tenantId);
    const settings = tenant.settings === undefined ? existing?.settings : validSettings(tenant.tenantId, tenant.settings);
    await putTenant(db, {
      tenantId: tenant.tenantId,
      displayName: tenant.displayName ?? existing?.displayName ?? tenant.tenantId,
      ...(existing ? { status: existing.status } : {}),
      ...(settings ? { settings } : {}),
    });
    // Listed and counted like an issued token (admin API GET .../tokens shows its id, never the token).
    await adoptToken(db, tenant.tenantId, hashToken(tenant.token));
    if (tenant.federatedCredentials) await syncDeclaredFederatedCredentials(db, tenant.tenantId, tenant.federatedCredentials);
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

/** Settings are validated at start, as at synth: a bad extension stops the server, not a request. */
function validSettings(tenantId: string, settings: TenantSettingsInput) {
  const parsed = tenantSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`tenant "${tenantId}": settings are invalid: ${issues}`);
}
