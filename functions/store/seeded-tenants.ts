/**
 * The tenant ids the tenants.json seed applied at the last deploy, in one item: the next seed compares
 * them with the file to disable the tenants dropped from it (tenants/tenant-seed.ts). One item of at
 * most MAX_SEEDED_TENANTS ids of up to 63 characters stays under DynamoDB's 400 KB.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db';
import { keys } from './keys';

export const MAX_SEEDED_TENANTS = 5_000;

export interface SeededTenants {
  readonly tenantIds: readonly string[];
  /** The rate-tier plans the keys were placed in (RateTiers.placement). */
  readonly placement?: string;
}

/** What the last seed applied; undefined before the first (a stack from before the seed, or a new one). */
export async function readSeededTenants(db: Db): Promise<SeededTenants | undefined> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: keys.seededTenants(), ConsistentRead: true }));
  if (!Array.isArray(Item?.tenantIds)) return undefined;
  return { tenantIds: Item.tenantIds.map(String), ...(typeof Item.placement === 'string' ? { placement: Item.placement } : {}) };
}

export async function writeSeededTenants(db: Db, seeded: SeededTenants, digest: string): Promise<void> {
  const { tenantIds } = seeded;
  if (tenantIds.length > MAX_SEEDED_TENANTS) throw new Error(`at most ${MAX_SEEDED_TENANTS} tenants can be seeded from tenants.json`);
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...keys.seededTenants(),
        entity: 'SeededTenants',
        tenantIds: [...tenantIds],
        ...(seeded.placement !== undefined ? { placement: seeded.placement } : {}),
        digest,
        updated: new Date().toISOString(),
      },
    }),
  );
}
