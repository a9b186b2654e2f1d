/**
 * The reads by key the authorizer makes, each one strongly consistent GetItem: a tenant, a secret
 * token (by its SHA-256), an OAuth client, a federated credential. They take any ItemReads: the SDK-free lean table
 * (store/lean-table.ts) in the authorizer, consistentReads(db) behind tenants.ts's and clients.ts's
 * getTenant, getToken and getClient everywhere else. This module imports no SDK package, so the
 * authorizer's bundle carries none (lib/bundling.ts).
 */
import type { ItemReads, StoredItem } from './db';
import { keys } from './keys';

/**
 * A tenant's settings as stored: the JSON tenants.json declared, validated when it was written
 * (synth, start, onboarding). Readers that act on it parse it (tenants/profile-from-settings.ts); the store does
 * not, so the authorizer stays free of zod.
 */
export type StoredSettings = Readonly<Record<string, unknown>>;

/**
 * `active` serves; `paused` answers every SCIM and token request 503 + Retry-After and changes
 * nothing; `disabled` refuses its credentials; `deleting` is being removed (nothing readable).
 */
/** `own`: a per-tenant plan of a stack before #22; `shared`: the stack's default plan (tenants/usage-key.ts). */
export type UsagePlanKind = 'own' | 'shared';

export type TenantStatus = 'active' | 'paused' | 'disabled' | 'deleting';
const TENANT_STATUSES: readonly string[] = ['active', 'paused', 'disabled', 'deleting'];

export interface TenantRecord {
  readonly tenantId: string;
  readonly displayName: string;
  readonly status: TenantStatus;
  readonly settings: StoredSettings;
  /** Whether the deploy gave the tenant a usage plan of its own; absent on the item: shared. */
  readonly usagePlan: UsagePlanKind;
  /** The tenant's rate tier (tenants/rate-tier.ts); absent on items written before tiers. */
  readonly rateTier?: string;
  readonly created: string;
  readonly lastModified: string;
  /** A `deleting` tenant's purge so far (store/tenant-purge-items.ts): the phase reached and the items deleted. */
  readonly purge?: { readonly phase: string; readonly deleted: number; readonly updatedAt?: string };
}

export interface TokenRecord {
  readonly tenantId: string;
  readonly tokenHash: string;
  readonly created: string;
  /** Epoch seconds after which the token is refused (set on the old token when rotating). */
  readonly expiresAt?: number;
  /** The token's id, when its item has one (activity records name tokens by id). */
  readonly tokenId?: string;
  /** Revoked tokens are refused (`status: revoked` on the item). */
  readonly revoked?: boolean;
}

export type ClientStatus = 'active' | 'revoked';

export interface ClientRecord {
  readonly tenantId: string;
  readonly clientId: string;
  readonly status: ClientStatus;
  /** Its secrets' hashes (none once revoked); a secret from an old timed rotation carries `expiresAt`. */
  readonly secrets: readonly ClientSecretRecord[];
  readonly createdAt: string;
  readonly rotatedAt?: string;
  readonly revokedAt?: string;
}

export interface ClientSecretRecord {
  /** `sec_` and the first 12 hex digits of the secret's SHA-256 (clientSecretIdOf). */
  readonly id: string;
  readonly hash: string;
  readonly createdAt: string;
  /** Epoch seconds after which the secret is refused (secrets from a rotation with overlap, before ids). */
  readonly expiresAt?: number;
}

/** A client secret's id: it names the secret without revealing anything that helps to guess it. */
export const clientSecretIdOf = (hash: string): string => `sec_${hash.slice(0, 12)}`;

/** Where a federated credential came from: tenants.json (kept in step with it) or the admin API/CLI. */
export type CredentialSource = 'config' | 'admin';

export interface FederatedCredentialRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  /** The Entra tenant the assertion's `tid` must name, when set. */
  readonly entraTenantId?: string;
  readonly source: CredentialSource;
  readonly createdAt: string;
}

/** Strongly consistent, so a removed credential stops at once (token endpoint and authorizer). */
export async function readFederatedCredential(
  reads: ItemReads,
  tenantId: string,
  clientId: string,
): Promise<FederatedCredentialRecord | undefined> {
  const item = await reads.getItem(keys.federatedCredential(tenantId, clientId));
  return item ? toFederatedCredential(item) : undefined;
}

export function toFederatedCredential(item: StoredItem): FederatedCredentialRecord {
  return {
    tenantId: String(item.tenantId),
    id: String(item.credentialId),
    clientId: String(item.clientId),
    issuer: String(item.issuer),
    jwksUri: String(item.jwksUri),
    subject: String(item.subject),
    audiences: Array.isArray(item.audiences) ? item.audiences.map(String) : [],
    ...(typeof item.entraTenantId === 'string' ? { entraTenantId: item.entraTenantId } : {}),
    source: item.source === 'config' ? 'config' : 'admin',
    createdAt: String(item.createdAt),
  };
}

export async function readTenant(reads: ItemReads, tenantId: string): Promise<TenantRecord | undefined> {
  const item = await reads.getItem(keys.tenant(tenantId));
  return item ? toTenant(item) : undefined;
}

/** Strongly consistent, so a token expired by a rotation stops at once. */
export async function readToken(reads: ItemReads, tokenHash: string): Promise<TokenRecord | undefined> {
  const item = await reads.getItem(keys.token(tokenHash));
  if (!item) return undefined;
  return {
    tenantId: String(item.tenantId),
    tokenHash: String(item.tokenHash),
    created: String(item.created),
    ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
    ...(typeof item.tokenId === 'string' ? { tokenId: item.tokenId } : {}),
    ...(item.status === 'revoked' ? { revoked: true } : {}),
  };
}

/** Strongly consistent, so a revoked client stops at once. */
export async function readClient(reads: ItemReads, tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
  const item = await reads.getItem(keys.oauthClient(tenantId, clientId));
  return item ? toClient(item) : undefined;
}

export function toTenant(item: StoredItem): TenantRecord {
  return {
    tenantId: String(item.tenantId),
    displayName: String(item.displayName),
    status: TENANT_STATUSES.includes(String(item.status)) ? (item.status as TenantStatus) : 'active',
    settings: typeof item.settings === 'object' && item.settings !== null ? (item.settings as StoredSettings) : {},
    usagePlan: item.usagePlan === 'own' ? 'own' : 'shared',
    ...(typeof item.rateTier === 'string' ? { rateTier: item.rateTier } : {}),
    created: String(item.created),
    lastModified: String(item.lastModified),
    ...(item.status === 'deleting' && typeof item.purgePhase === 'string'
      ? {
          purge: {
            phase: item.purgePhase,
            deleted: typeof item.purgeDeleted === 'number' ? item.purgeDeleted : 0,
            ...(typeof item.purgeUpdatedAt === 'string' ? { updatedAt: item.purgeUpdatedAt } : {}),
          },
        }
      : {}),
  };
}

export function toClient(item: StoredItem): ClientRecord {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  const createdAt = String(item.createdAt);
  return {
    tenantId: String(item.tenantId),
    clientId: String(item.clientId),
    status: item.status === 'active' ? 'active' : 'revoked',
    secrets: item.status === 'active' ? secretsOf(item, createdAt) : [],
    createdAt,
    ...optional('rotatedAt', text(item.rotatedAt)),
    ...optional('revokedAt', text(item.revokedAt)),
  };
}

/**
 * The `secrets` map (id → hash, createdAt), or on an item from before secret ids its `secretHash`
 * and, within its overlap, `previousSecretHash` (read as secrets with derived ids; the next secret
 * write moves them into the map, store/oauth-client-items.ts).
 */
function secretsOf(item: StoredItem, createdAt: string): ClientSecretRecord[] {
  if (typeof item.secrets === 'object' && item.secrets !== null) {
    return Object.entries(item.secrets as Record<string, StoredItem>).map(([id, secret]) => ({
      id,
      hash: String(secret.hash),
      createdAt: String(secret.createdAt),
      ...(typeof secret.expiresAt === 'number' ? { expiresAt: secret.expiresAt } : {}),
    }));
  }
  const secrets: ClientSecretRecord[] = [];
  if (typeof item.secretHash === 'string') {
    const rotatedAt = typeof item.rotatedAt === 'string' ? item.rotatedAt : createdAt;
    secrets.push({ id: clientSecretIdOf(item.secretHash), hash: item.secretHash, createdAt: rotatedAt });
  }
  if (typeof item.previousSecretHash === 'string' && typeof item.previousSecretValidUntil === 'number') {
    const hash = item.previousSecretHash;
    secrets.push({ id: clientSecretIdOf(hash), hash, createdAt, expiresAt: item.previousSecretValidUntil });
  }
  return secrets;
}
