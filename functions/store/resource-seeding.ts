/**
 * Many new resources at once, for benchmarks and tests that need a big tenant (the 100,000-user bench,
 * the 10,000-member group): the same items createResource writes (the resource and its uniqueness items),
 * built by the same functions, but written by parallel BatchWriteItem calls (25 items each) instead of one
 * transaction per resource — about twelve times fewer calls, none of them a transaction — and the tenant's
 * count set once at the end by a recount (store/resource-counts.ts).
 *
 * BatchWriteItem has no conditions: this is for ids and unique values nobody holds yet (a fresh tenant or
 * generated values). Provisioning never calls it; every client's write goes through the services.
 */
import type { SchemaRegistry } from '../scim/schema/registry';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { uniqueValuesOf } from '../scim/schema/uniqueness';
import { batchWrite, type WriteRequest } from './batch-write';
import type { Db } from './db';
import { newStoredResource, putUnique, recountResources, toItem, type StoredResource } from './resources';

/** Items per BatchWriteItem call (its limit). */
const BATCH_WRITE_LIMIT = 25;

/** Writes `resources` (each with its `id`) with `parallel` BatchWriteItem calls in flight; returns what was stored. */
export async function seedResources(
  db: Db,
  tenantId: string,
  type: ResourceTypeName,
  resources: readonly ScimResource[],
  registry: SchemaRegistry,
  parallel = 8,
): Promise<StoredResource[]> {
  const stored = resources.map((resource) => newStoredResource(resource, 1));
  const items = stored.flatMap((s) => [
    toItem(tenantId, type, s),
    ...uniqueValuesOf(registry, type, s.resource).map((u) => putUnique(db, tenantId, type, u, s.id).Put.Item),
  ]);
  const requests: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) batches.push(requests.slice(i, i + BATCH_WRITE_LIMIT));
  let next = 0;
  // `parallel` workers, each taking the next batch (store/batch-write.ts sends it, again for unprocessed items).
  const worker = async () => {
    while (next < batches.length) await batchWrite(db, batches[next++] ?? []);
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  // The counts: one COUNT Query sets them (and marks them complete), so walks read the counters.
  await recountResources(db, tenantId, type);
  return stored;
}
