/**
 * Tenant onboarding by deploy, as a pure sequence over the table and a secret store (Secrets
 * Manager in AWS; see functions/onboarding.ts for the CloudFormation custom resource around it).
 *
 *  create  tenant item (active, on its own usage plan), a fresh token into the tenant's secret,
 *          its hash into the table, its declared federated credentials.
 *          Re-adding a removed tenant re-enables it: its data was never deleted.
 *  update  settings follow the config; a new `tokenVersion` rotates the token, and the previous
 *          one stays valid for `tokenOverlapHours`.
 *  delete  the tenant is disabled and its token expires now; users and groups stay in the table.
 *          Its usage plan goes with the stack resource, so the item falls back to the shared plan
 *          (re-enabled with `scim-admin tenants enable`, it works on the default throttle).
 *
 * The token exists only in memory and in the secret: never in a return value or a log line.
 */
import type { Db } from '../store/db';
import { expireToken, getTenant, putTenant, putToken, setTenantStatus } from '../store/tenants';
import { onboardOAuthClient, type OAuthClientDeclaration } from '../oauth/onboard-client';
import { declaredFederatedCredentialsSchema } from '../federation/credential-schema';
import { syncDeclaredFederatedCredentials } from '../federation/federated-credentials';
import { formatPath, tenantSettingsSchema } from './config';
import { generateToken, hashToken, TOKEN_PATTERN } from '../credentials/secret-token';
import { errorNamed } from '../commons/error-named';

/** Where a tenant's token is kept for ops to read once. */
export interface TokenSecretStore {
  read(secretId: string): Promise<string | undefined>;
  write(secretId: string, token: string): Promise<void>;
}

/** The OAuth client fields (optional, see oauth/onboard-client.ts) come with the declaration. */
export interface TenantDeclaration extends OAuthClientDeclaration {
  readonly tenantId: string;
  readonly displayName: string;
  /** JSON of the tenant's settings (required attributes). */
  readonly settings: string;
  readonly tokenVersion: string;
  readonly tokenOverlapHours: string;
  readonly secretId: string;
  /** JSON of the tenant's declared federated credentials (absent: left as they are). */
  readonly federatedCredentials?: string;
}

export type OnboardingRequest =
  | { readonly kind: 'create'; readonly tenant: TenantDeclaration }
  | { readonly kind: 'update'; readonly tenant: TenantDeclaration; readonly previous: TenantDeclaration }
  | { readonly kind: 'delete'; readonly tenant: TenantDeclaration };

export async function onboard(db: Db, secrets: TokenSecretStore, request: OnboardingRequest): Promise<void> {
  await onboardTenant(db, secrets, request);
  // After the tenant item: a client needs its tenant (and is revoked when the tenant goes).
  await onboardOAuthClient(db, secrets, request);
}

async function onboardTenant(db: Db, secrets: TokenSecretStore, request: OnboardingRequest): Promise<void> {
  const { tenant } = request;
  if (request.kind === 'delete') {
    if (await getTenant(db, tenant.tenantId)) await setTenantStatus(db, tenant.tenantId, 'disabled', 'shared');
    await expireCurrentToken(db, secrets, tenant.secretId, 0);
    return;
  }
  const settings = tenantSettingsSchema.parse(JSON.parse(tenant.settings));
  // The deploy creates the tenant's own usage plan beside this resource (lib/tenant-onboarding.ts).
  await putTenant(db, { tenantId: tenant.tenantId, displayName: tenant.displayName, status: 'active', settings, usagePlan: 'own' });
  const previous = request.kind === 'update' ? request.previous : undefined;
  await onboardFederatedCredentials(db, tenant, previous);
  const rotate = !previous || previous.tokenVersion !== tenant.tokenVersion || previous.tenantId !== tenant.tenantId;
  // A create also replaces whatever token the secret held (a re-added tenant's old secret is gone).
  if (!rotate) return;
  await rotateToken(db, secrets, tenant.tenantId, tenant.secretId, previous ? Number(tenant.tokenOverlapHours) * 3600 : undefined);
}

/**
 * The declared federated credentials (the property is left out when there are none: a tenant that
 * had some and now has none gets none). Validated at synth; again here, where the allowed JWKS hosts
 * are this function's, with errors naming the path.
 */
async function onboardFederatedCredentials(db: Db, tenant: TenantDeclaration, previous: TenantDeclaration | undefined): Promise<void> {
  const declared = tenant.federatedCredentials ?? (previous?.federatedCredentials !== undefined ? '[]' : undefined);
  if (declared === undefined) return;
  const parsed = declaredFederatedCredentialsSchema.safeParse(JSON.parse(declared));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${formatPath(['federatedCredentials', ...issue.path])}: ${issue.message}`);
    throw new Error(`tenant "${tenant.tenantId}": ${issues.join('; ')}`);
  }
  await syncDeclaredFederatedCredentials(db, tenant.tenantId, parsed.data);
}

/**
 * A new token into the secret (and its hash into the table); the token the secret held before
 * keeps working for `overlapSeconds` (undefined: it is not touched). Also used by `scim-admin`.
 */
export async function rotateToken(
  db: Db,
  secrets: TokenSecretStore,
  tenantId: string,
  secretId: string,
  overlapSeconds: number | undefined,
): Promise<void> {
  if (overlapSeconds !== undefined) await expireCurrentToken(db, secrets, secretId, overlapSeconds);
  const token = generateToken();
  await putToken(db, { tenantId, tokenHash: hashToken(token) });
  await secrets.write(secretId, token);
}

/** The token now in the secret stops working after `seconds` (0: at once). */
async function expireCurrentToken(db: Db, secrets: TokenSecretStore, secretId: string, seconds: number): Promise<void> {
  const current = await secrets.read(secretId);
  // A secret's initial placeholder (before the first create finished) is not a token.
  if (!current || !TOKEN_PATTERN.test(current)) return;
  try {
    await expireToken(db, hashToken(current), Math.floor(Date.now() / 1000) + seconds);
  } catch (error) {
    // The token item is already gone (TTL): nothing to expire.
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}
