/**
 * The OAuth client service: every writer (the admin API, `scim-admin clients`, the local server's
 * seeding) creates clients, adds and revokes their secrets and revokes them here, and the token
 * endpoint authenticates them here. A client holds at most two secrets, so the customer's IT rotates
 * without a timer (add a second, paste it into the identity provider, revoke the first by id) — the
 * same shape as secret tokens (token-service.ts). Secrets are returned once, when created, and never
 * stored (only their SHA-256) or logged. Failures a caller can fix are ServiceErrors.
 */
import { InvalidInput, InvalidState, LimitReached, NotFound } from '../commons/service-errors';
import { servedTenant } from '../commons/served-tenant';
import type { Db } from '../store/db';
import { clientSecretIdOf } from '../store/key-reads';
import {
  deleteClientSecret,
  getClient,
  insertClient,
  insertClientSecret,
  listClients,
  putClient,
  revokeClient,
  type ClientRecord,
} from '../store/oauth-client-items';
import { getTenant } from '../store/tenants';
import {
  CLIENT_ID_PATTERN,
  CLIENT_SECRET_PATTERN,
  generateClientCredentials,
  generateClientSecret,
  hashClientSecret,
  secretMatches,
  type ClientCredentials,
} from './client-credentials';

export const MAX_CLIENT_SECRETS = 2;

/** A secret as listings show it: its id and dates, never the secret or its hash. */
export interface ClientSecretSummary {
  readonly id: string;
  readonly createdAt: string;
  /** ISO time after which a secret from a timed rotation (before secret ids) is refused. */
  readonly expiresAt?: string;
}

/** A client as listings show it. */
export interface ClientView {
  readonly clientId: string;
  readonly status: ClientRecord['status'];
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly secrets: readonly ClientSecretSummary[];
}

/** A new client and its first secret: the only answer that holds the secret. */
export interface IssuedClient extends ClientCredentials {
  readonly secretId: string;
  readonly createdAt: string;
}

/** A client's new secret: the only answer that holds it. */
export interface IssuedClientSecret extends ClientCredentials {
  readonly id: string;
  readonly createdAt: string;
}

async function requireTenant(db: Db, tenantId: string): Promise<void> {
  servedTenant(await getTenant(db, tenantId), tenantId);
}

async function refusedByTenant(db: Db, tenantId: string): Promise<never> {
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new NotFound(`no tenant "${tenantId}"`);
  throw new InvalidState(`tenant "${tenantId}" is being deleted`);
}

/**
 * A new client of the tenant with a generated id and secret. `given` credentials (local seeding,
 * SCIM_LOCAL_OAUTH_CLIENTS) are taken as they are and replace a client of that id.
 */
export async function addClient(db: Db, tenantId: string, given?: ClientCredentials): Promise<IssuedClient> {
  if (given) return seedClient(db, tenantId, given);
  const credentials = generateClientCredentials();
  const secretHash = hashClientSecret(credentials.clientSecret);
  const createdAt = new Date().toISOString();
  const refusal = await insertClient(db, { tenantId, clientId: credentials.clientId, secretHash, createdAt });
  if (refusal === 'tenant') return refusedByTenant(db, tenantId);
  // A taken id: 144 random bits collided; a fresh id does not.
  if (refusal === 'client') return addClient(db, tenantId);
  return { ...credentials, secretId: clientSecretIdOf(secretHash), createdAt };
}

async function seedClient(db: Db, tenantId: string, given: ClientCredentials): Promise<IssuedClient> {
  const issues = [
    ...(CLIENT_ID_PATTERN.test(given.clientId) ? [] : [{ path: 'clientId', message: `must match ${CLIENT_ID_PATTERN}` }]),
    ...(CLIENT_SECRET_PATTERN.test(given.clientSecret)
      ? []
      : [{ path: 'clientSecret', message: '43 base64url characters (32 random bytes)' }]),
  ];
  if (issues.length > 0) throw new InvalidInput(issues);
  await requireTenant(db, tenantId);
  const secretHash = hashClientSecret(given.clientSecret);
  await putClient(db, { tenantId, clientId: given.clientId, secretHash });
  return { ...given, secretId: clientSecretIdOf(secretHash), createdAt: new Date().toISOString() };
}

function toView(client: ClientRecord): ClientView {
  return {
    clientId: client.clientId,
    status: client.status,
    createdAt: client.createdAt,
    ...(client.revokedAt ? { revokedAt: client.revokedAt } : {}),
    secrets: client.secrets
      .map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        ...(s.expiresAt !== undefined ? { expiresAt: new Date(s.expiresAt * 1000).toISOString() } : {}),
      }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
  };
}

/** The tenant's clients, oldest first; revoked ones too (ids and dates, no secrets). */
export async function listTenantClients(db: Db, tenantId: string): Promise<ClientView[]> {
  await requireTenant(db, tenantId);
  return (await listClients(db, tenantId)).map(toView).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function readTenantClient(db: Db, tenantId: string, clientId: string): Promise<ClientView> {
  await requireTenant(db, tenantId);
  const client = CLIENT_ID_PATTERN.test(clientId) ? await getClient(db, tenantId, clientId) : undefined;
  if (!client) throw new NotFound(`no client "${clientId}" in tenant "${tenantId}"`);
  return toView(client);
}

/** A further secret for an active client; LimitReached when it holds two already (revoke one first). */
export async function addClientSecret(db: Db, tenantId: string, clientId: string): Promise<IssuedClientSecret> {
  const clientSecret = generateClientSecret();
  const hash = hashClientSecret(clientSecret);
  const createdAt = new Date().toISOString();
  if (CLIENT_ID_PATTERN.test(clientId) && (await insertClientSecret(db, tenantId, clientId, { hash, createdAt }, MAX_CLIENT_SECRETS))) {
    return { id: clientSecretIdOf(hash), clientId, clientSecret, createdAt };
  }
  await requireTenant(db, tenantId);
  const now = await getClient(db, tenantId, clientId);
  if (now?.status !== 'active') throw new NotFound(`no active client "${clientId}" in tenant "${tenantId}"`);
  throw new LimitReached(`client "${clientId}" has ${MAX_CLIENT_SECRETS} secrets: revoke one first`);
}

/** That secret stops working at once; the client's other secret and its access tokens keep working. */
export async function revokeClientSecret(db: Db, tenantId: string, clientId: string, secretId: string): Promise<void> {
  const known = CLIENT_ID_PATTERN.test(clientId) && /^sec_[0-9a-f]{12}$/.test(secretId);
  if (!known || !(await deleteClientSecret(db, tenantId, clientId, secretId))) {
    throw new NotFound(`no secret "${secretId}" of an active client "${clientId}" in tenant "${tenantId}"`);
  }
}

/** The client's secrets stop working at once; its tokens at the authorizer's next evaluation. */
export async function revokeTenantClient(db: Db, tenantId: string, clientId: string): Promise<void> {
  if (!CLIENT_ID_PATTERN.test(clientId) || !(await revokeClient(db, tenantId, clientId))) {
    throw new NotFound(`no active client "${clientId}" in tenant "${tenantId}"`);
  }
}

/**
 * The client when `clientId` is an active client of `tenantId` and `secret` is one of its secrets
 * (either of two during a rotation); otherwise why not (activity reason codes). Takes the same work
 * whether or not the client exists: the secret is compared with at least two hashes always.
 */
export async function authenticateClientWithReason(
  db: Db,
  tenantId: string,
  clientId: string,
  secret: string,
): Promise<{ client: ClientRecord } | { refused: 'client_unknown' | 'client_revoked' | 'client_secret_mismatch' }> {
  const client = CLIENT_ID_PATTERN.test(clientId) ? await getClient(db, tenantId, clientId) : undefined;
  const active = client?.status === 'active' ? client : undefined;
  const nowSeconds = Date.now() / 1000;
  const hashes = (active?.secrets ?? []).filter((s) => s.expiresAt === undefined || s.expiresAt > nowSeconds).map((s) => s.hash);
  let matched = false;
  for (let i = 0; i < Math.max(MAX_CLIENT_SECRETS, hashes.length); i++) matched = secretMatches(secret, hashes[i]) || matched;
  if (active && matched) return { client: active };
  return { refused: !client ? 'client_unknown' : !active ? 'client_revoked' : 'client_secret_mismatch' };
}
