/**
 * The OAuth client service: every writer (admin CLI, onboarding by deploy, the local server's
 * seeding) adds, rotates and revokes clients here, and the token endpoint authenticates them here.
 * Secrets are returned once by add/rotate and never stored or logged.
 */
import { getClient, listClients, putClient, revokeClient, rotateClientSecret, type ClientRecord } from '../store/oauth-client-items';
import { type Db } from '../store/db';
import { getTenant } from '../store/tenants';
import {
  CLIENT_ID_PATTERN,
  CLIENT_SECRET_PATTERN,
  generateClientCredentials,
  generateClientSecret,
  hashClientSecret,
  secretMatches,
  type ClientCredentials,
} from '../credentials/client-credentials';

import { errorNamed } from '../commons/error-named';

/** An operator's mistake (unknown tenant or client, malformed credentials). */
export class ClientError extends Error {}

/** What listing shows: ids and dates, never a hash. */
export interface ClientSummary {
  readonly clientId: string;
  readonly status: ClientRecord['status'];
  readonly createdAt: string;
  readonly rotatedAt?: string;
  readonly revokedAt?: string;
  /** ISO time until which the previous secret still works, while it does. */
  readonly previousSecretValidUntil?: string;
}

const isConditionFailure = (error: unknown) => errorNamed(error, 'ConditionalCheckFailedException');

async function requireTenant(db: Db, tenantId: string): Promise<void> {
  if (!(await getTenant(db, tenantId))) throw new ClientError(`no tenant "${tenantId}"`);
}

/**
 * A new client of the tenant. `given` credentials (local seeding, SCIM_LOCAL_OAUTH_CLIENTS) are
 * taken as they are and replace a client of that id; otherwise both are generated.
 */
export async function addClient(db: Db, tenantId: string, given?: ClientCredentials): Promise<ClientCredentials> {
  await requireTenant(db, tenantId);
  if (given) {
    if (!CLIENT_ID_PATTERN.test(given.clientId)) throw new ClientError(`client id must match ${CLIENT_ID_PATTERN}`);
    if (!CLIENT_SECRET_PATTERN.test(given.clientSecret))
      throw new ClientError('client secret must be 43 base64url characters (32 random bytes)');
    await putClient(db, { tenantId, clientId: given.clientId, secretHash: hashClientSecret(given.clientSecret) }, { replace: true });
    return given;
  }
  const credentials = generateClientCredentials();
  await putClient(db, { tenantId, clientId: credentials.clientId, secretHash: hashClientSecret(credentials.clientSecret) });
  return credentials;
}

export async function listTenantClients(db: Db, tenantId: string): Promise<ClientSummary[]> {
  await requireTenant(db, tenantId);
  const nowSeconds = Date.now() / 1000;
  return (await listClients(db, tenantId)).map((client) => ({
    clientId: client.clientId,
    status: client.status,
    createdAt: client.createdAt,
    ...(client.rotatedAt ? { rotatedAt: client.rotatedAt } : {}),
    ...(client.revokedAt ? { revokedAt: client.revokedAt } : {}),
    ...(client.previousSecretValidUntil !== undefined && client.previousSecretValidUntil > nowSeconds
      ? { previousSecretValidUntil: new Date(client.previousSecretValidUntil * 1000).toISOString() }
      : {}),
  }));
}

/** A new secret; the current one keeps working for `overlapSeconds` (0: stops at once). */
export async function rotateClient(db: Db, tenantId: string, clientId: string, overlapSeconds: number): Promise<ClientCredentials> {
  const clientSecret = generateClientSecret();
  try {
    await rotateClientSecret(db, tenantId, clientId, hashClientSecret(clientSecret), Math.floor(Date.now() / 1000) + overlapSeconds);
  } catch (error) {
    if (isConditionFailure(error)) throw new ClientError(`no active client "${clientId}" in tenant ${tenantId}`);
    throw error;
  }
  return { clientId, clientSecret };
}

/** The client's secrets stop working at once; its tokens at the authorizer's next evaluation. */
export async function revokeTenantClient(db: Db, tenantId: string, clientId: string): Promise<void> {
  try {
    await revokeClient(db, tenantId, clientId);
  } catch (error) {
    if (isConditionFailure(error)) throw new ClientError(`no client "${clientId}" in tenant ${tenantId}`);
    throw error;
  }
}

/**
 * The client when `clientId` is an active client of `tenantId` and `secret` is its current secret,
 * or its previous one within the rotation overlap; otherwise why not (activity reason codes). Takes
 * the same work whether or not the client exists.
 */
export async function authenticateClientWithReason(
  db: Db,
  tenantId: string,
  clientId: string,
  secret: string,
): Promise<{ client: ClientRecord } | { refused: 'client_unknown' | 'client_revoked' | 'client_secret_mismatch' }> {
  const client = CLIENT_ID_PATTERN.test(clientId) ? await getClient(db, tenantId, clientId) : undefined;
  const active = client?.status === 'active' ? client : undefined;
  const current = secretMatches(secret, active?.secretHash);
  const previousValid = active?.previousSecretValidUntil !== undefined && active.previousSecretValidUntil > Date.now() / 1000;
  const previous = secretMatches(secret, previousValid ? active?.previousSecretHash : undefined);
  if (active && (current || previous)) return { client: active };
  return { refused: !client ? 'client_unknown' : !active ? 'client_revoked' : 'client_secret_mismatch' };
}
