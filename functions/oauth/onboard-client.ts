/**
 * The OAuth client a tenant of tenants.json asks for (`oauthClient: true`), kept by the onboarding
 * custom resource beside the tenant's token: its credentials go to the tenant's OAuth client
 * secret as JSON `{clientId, clientSecret, tokenEndpoint}`, never into the template, the outputs,
 * a return value or a log line.
 *
 *  create/update  no client in the secret (or it was revoked): a new client; a new
 *                 `oauthClientVersion`: a new secret, the previous one valid for `tokenOverlapHours`
 *  update to `oauthClient: false`, delete   the client is revoked
 */
import type { Db } from '../store/db';
import type { TokenSecretStore } from '../tenants/onboard';
import { activeClient, addClient, ClientError, revokeTenantClient, rotateClient } from './oauth-clients';
import { CLIENT_ID_PATTERN, type ClientCredentials } from '../credentials/client-credentials';

/** The custom resource's OAuth properties (CloudFormation passes strings). */
export interface OAuthClientDeclaration {
  readonly tenantId: string;
  readonly tokenOverlapHours: string;
  /** `'true'` when tenants.json asks for a client. */
  readonly oauthClient?: string;
  readonly oauthClientVersion?: string;
  readonly oauthSecretId?: string;
  readonly tokenEndpoint?: string;
}

export type OAuthClientRequest =
  | { readonly kind: 'create'; readonly tenant: OAuthClientDeclaration }
  | { readonly kind: 'update'; readonly tenant: OAuthClientDeclaration; readonly previous: OAuthClientDeclaration }
  | { readonly kind: 'delete'; readonly tenant: OAuthClientDeclaration };

const wanted = (declaration: OAuthClientDeclaration | undefined) =>
  declaration?.oauthClient === 'true' && Boolean(declaration.oauthSecretId);

async function storedClient(secrets: TokenSecretStore, secretId: string | undefined): Promise<ClientCredentials | undefined> {
  if (!secretId) return undefined;
  const raw = await secrets.read(secretId);
  try {
    const parsed = JSON.parse(raw ?? '') as Partial<ClientCredentials>;
    return typeof parsed.clientId === 'string' && CLIENT_ID_PATTERN.test(parsed.clientId) && typeof parsed.clientSecret === 'string'
      ? { clientId: parsed.clientId, clientSecret: parsed.clientSecret }
      : undefined;
  } catch {
    // The secret's initial placeholder (before the first create) is not JSON.
    return undefined;
  }
}

async function revoke(db: Db, tenantId: string, client: ClientCredentials | undefined): Promise<void> {
  if (!client) return;
  try {
    await revokeTenantClient(db, tenantId, client.clientId);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
  }
}

export async function onboardOAuthClient(db: Db, secrets: TokenSecretStore, request: OAuthClientRequest): Promise<void> {
  const { tenant } = request;
  const previous = request.kind === 'update' ? request.previous : undefined;
  if (request.kind === 'delete' || !wanted(tenant)) {
    // Turned off (or the tenant removed): the client the secret names stops working.
    const declared = request.kind === 'delete' ? tenant : previous;
    if (wanted(declared)) await revoke(db, tenant.tenantId, await storedClient(secrets, declared?.oauthSecretId));
    return;
  }
  const secretId = tenant.oauthSecretId as string;
  const current = await storedClient(secrets, secretId);
  const live = current && (await activeClient(db, tenant.tenantId, current.clientId)) ? current : undefined;
  let credentials: ClientCredentials | undefined;
  if (!live) credentials = await addClient(db, tenant.tenantId);
  else if (previous && wanted(previous) && previous.oauthClientVersion !== tenant.oauthClientVersion) {
    credentials = await rotateClient(db, tenant.tenantId, live.clientId, Number(tenant.tokenOverlapHours) * 3600);
  }
  if (credentials) {
    await secrets.write(
      secretId,
      JSON.stringify({ ...credentials, ...(tenant.tokenEndpoint ? { tokenEndpoint: tenant.tokenEndpoint } : {}) }),
    );
  }
}
