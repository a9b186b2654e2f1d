/**
 * Tenant and token items. A token item maps the SHA-256 of a secret token to its tenant, so the
 * authorizer resolves a token with one strongly consistent GetItem; the token itself is never stored.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consistentReads, type Db } from './db';
import {
  readTenant,
  readToken,
  toTenant,
  type StoredSettings,
  type TenantRecord,
  type TenantStatus,
  type TokenRecord,
  type UsagePlanKind,
} from './key-reads';
import type { StartKey } from './paging';
import { keys, TENANT_REGISTRY_PARTITION } from './keys';
import { errorNamed } from '../commons/error-named';

export type { StoredSettings, TenantRecord, TenantStatus, TokenRecord } from './key-reads';

const now = () => new Date().toISOString();

export const getTenant = (db: Db, tenantId: string): Promise<TenantRecord | undefined> => readTenant(consistentReads(db), tenantId);

export const getToken = (db: Db, tokenHash: string): Promise<TokenRecord | undefined> => readToken(consistentReads(db), tokenHash);

/** Creates or updates a tenant; `created` is kept from the first write, `usagePlan` unless given. */
export async function putTenant(
  db: Db,
  tenant: { tenantId: string; displayName: string; status?: TenantStatus; settings?: StoredSettings; usagePlan?: UsagePlanKind },
): Promise<TenantRecord> {
  const time = now();
  const plan = tenant.usagePlan
    ? { expression: ', usagePlan = :plan', values: { ':plan': tenant.usagePlan } }
    : { expression: '', values: {} };
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

/** A new tenant item; fails with ConditionalCheckFailedException when the id is taken (in any status). */
export async function insertTenant(
  db: Db,
  tenant: { tenantId: string; displayName: string; settings: StoredSettings },
): Promise<TenantRecord> {
  const time = now();
  const item = {
    ...keys.tenant(tenant.tenantId),
    entity: 'Tenant',
    tenantId: tenant.tenantId,
    displayName: tenant.displayName,
    status: 'active',
    settings: tenant.settings,
    created: time,
    lastModified: time,
  };
  await db.client.send(new PutCommand({ TableName: db.table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
  return toTenant(item);
}

export interface TenantChanges {
  readonly displayName?: string;
  readonly settings?: StoredSettings;
  readonly rateTier?: string;
  readonly status?: TenantStatus;
}

/**
 * Changes the given fields of a tenant that exists and is not being deleted. On a failed condition
 * it resolves `{ refused }` with the tenant as it is (undefined: no such tenant).
 */
export async function updateTenant(
  db: Db,
  tenantId: string,
  changes: TenantChanges,
): Promise<{ updated: TenantRecord } | { refused: TenantRecord | undefined }> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':now': now(), ':deleting': 'deleting' };
  const sets = ['lastModified = :now'];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.tenant(tenantId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK) AND #status <> :deleting',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { updated: toTenant(Attributes ?? {}) };
  } catch (error) {
    if (!errorNamed(error, 'ConditionalCheckFailedException')) throw error;
    // The error path only: one read says whether the tenant is missing or being deleted.
    return { refused: await getTenant(db, tenantId) };
  }
}

/** One page of the tenant registry, in tenant id order. */
export async function listTenantPage(
  db: Db,
  options: { limit: number; startKey?: StartKey },
): Promise<{ items: TenantRecord[]; lastKey?: StartKey }> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': TENANT_REGISTRY_PARTITION },
      ConsistentRead: true,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return { items: (page.Items ?? []).map(toTenant), ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
}
