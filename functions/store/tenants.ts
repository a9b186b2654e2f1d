/**
 * Tenant and token items. A token item maps the SHA-256 of a secret token to its tenant, so the
 * authorizer resolves a token with one strongly consistent GetItem; the token itself is never stored.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { pages, type StartKey } from './paging';
import { keys, TENANT_REGISTRY_PARTITION } from './keys';
import type { UsagePlanKind } from '../tenants/usage-key';

/**
 * A tenant's settings as stored: the JSON tenants.json declared, validated when it was written
 * (synth, start, onboarding). Readers that act on it parse it (tenants/profile.ts); the store does
 * not, so the authorizer stays free of zod.
 */
export type StoredSettings = Readonly<Record<string, unknown>>;

export type TenantStatus = 'active' | 'disabled';

export interface TenantRecord {
  readonly tenantId: string;
  readonly displayName: string;
  readonly status: TenantStatus;
  readonly settings: StoredSettings;
  /** Whether the deploy gave the tenant a usage plan of its own; absent on the item: shared. */
  readonly usagePlan: UsagePlanKind;
  readonly created: string;
  readonly lastModified: string;
}

export interface TokenRecord {
  readonly tenantId: string;
  readonly tokenHash: string;
  readonly created: string;
  /** Epoch seconds after which the token is refused (set on the old token when rotating). */
  readonly expiresAt?: number;
}

const now = () => new Date().toISOString();

export async function getTenant(db: Db, tenantId: string): Promise<TenantRecord | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.tenant(tenantId), ConsistentRead: true }));
  return Item ? toTenant(Item) : undefined;
}

/** Creates or updates a tenant; `created` is kept from the first write, `usagePlan` unless given. */
export async function putTenant(
  db: Db,
  tenant: { tenantId: string; displayName: string; status?: TenantStatus; settings?: StoredSettings; usagePlan?: UsagePlanKind },
): Promise<TenantRecord> {
  const time = now();
  const plan = tenant.usagePlan ? { expression: ', usagePlan = :plan', values: { ':plan': tenant.usagePlan } } : { expression: '', values: {} };
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.tenant(tenant.tenantId),
      UpdateExpression:
        'SET entity = :entity, tenantId = :id, displayName = :name, #status = :status, settings = :settings, ' +
        `created = if_not_exists(created, :now), lastModified = :now${plan.expression}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':entity': 'Tenant',
        ':id': tenant.tenantId,
        ':name': tenant.displayName,
        ':status': tenant.status ?? 'active',
        ':settings': tenant.settings ?? {},
        ':now': time,
        ...plan.values,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toTenant(Attributes ?? {});
}

/** Sets the status (and, when given, the usage plan: a tenant removed from tenants.json loses its own). */
export async function setTenantStatus(db: Db, tenantId: string, status: TenantStatus, usagePlan?: UsagePlanKind): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.tenant(tenantId),
      UpdateExpression: `SET #status = :status, lastModified = :now${usagePlan ? ', usagePlan = :plan' : ''}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':now': now(), ...(usagePlan ? { ':plan': usagePlan } : {}) },
    }),
  );
}

/** All tenants: one Query over the tenant registry partition. */
export async function listTenants(db: Db): Promise<TenantRecord[]> {
  const tenants: TenantRecord[] = [];
  const read = async (start: StartKey | undefined) => {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': TENANT_REGISTRY_PARTITION },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) for (const item of page.items) tenants.push(toTenant(item));
  return tenants;
}

export async function putToken(db: Db, token: { tenantId: string; tokenHash: string; expiresAt?: number }): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...keys.token(token.tokenHash),
        entity: 'Token',
        tenantId: token.tenantId,
        tokenHash: token.tokenHash,
        created: now(),
        ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
      },
    }),
  );
}

/** Marks a token to expire (rotation overlap); expired tokens are refused and removed by TTL. */
export async function expireToken(db: Db, tokenHash: string, expiresAt: number): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.token(tokenHash),
      UpdateExpression: 'SET expiresAt = :at',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':at': expiresAt },
    }),
  );
}

export async function getToken(db: Db, tokenHash: string): Promise<TokenRecord | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.token(tokenHash), ConsistentRead: true }));
  if (!Item) return undefined;
  return {
    tenantId: String(Item.tenantId),
    tokenHash: String(Item.tokenHash),
    created: String(Item.created),
    ...(typeof Item.expiresAt === 'number' ? { expiresAt: Item.expiresAt } : {}),
  };
}

function toTenant(item: Record<string, unknown>): TenantRecord {
  return {
    tenantId: String(item.tenantId),
    displayName: String(item.displayName),
    status: item.status === 'disabled' ? 'disabled' : 'active',
    settings: typeof item.settings === 'object' && item.settings !== null ? (item.settings as StoredSettings) : {},
    usagePlan: item.usagePlan === 'own' ? 'own' : 'shared',
    created: String(item.created),
    lastModified: String(item.lastModified),
  };
}
