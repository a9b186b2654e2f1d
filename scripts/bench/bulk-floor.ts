/**
 * What DynamoDB Local itself allows POST /Bulk: the same 500 user creates written straight through
 * the store (createResource: the resource, its userName item and its externalId index item in one
 * transaction), no HTTP, no gateway, no validation. One create per call, as serial Bulk makes them,
 * against creates coalesced into shared TransactWriteItems calls, as concurrent Bulk makes them
 * (groupingWrites, limits.bulk.concurrency in flight). Bulk can be no faster than its writes: when
 * this ratio is small, the remaining time is DynamoDB Local's own work per item, which both modes do.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { limits } from '../../functions/provisioning/limits';
import type { Db } from '../../functions/store/db';
import { createResource } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { groupingWrites } from '../../functions/store/transactions';
import type { ScimResource } from '../../functions/scim/schema/types';
import { pool } from './client';
import { entraUser } from './cycles';

export interface FloorFigures {
  readonly serialMs: number;
  readonly groupedMs: number;
}

export async function bulkFloor(db: Db, tenantId: string, size: number, requests: number): Promise<FloorFigures> {
  let batch = 0;
  const users = (): ScimResource[] => {
    batch += 1;
    return Array.from({ length: size }, (_, i) => ({ ...entraUser(i, `floor${batch}-`), id: randomUUID() }) as ScimResource);
  };
  const serial = async (): Promise<number> => {
    const list = users();
    const started = performance.now();
    for (const user of list) await createResource(db, tenantId, 'User', user, standardRegistry);
    return performance.now() - started;
  };
  const grouped = async (): Promise<number> => {
    const list = users();
    const handle = groupingWrites(db);
    const started = performance.now();
    await pool(
      list,
      limits.bulk.concurrency,
      async (user) => void (await createResource(handle, tenantId, 'User', user, standardRegistry)),
    );
    return performance.now() - started;
  };
  // One of each first (not counted), as for the Bulk requests.
  await serial();
  await grouped();
  let serialMs = 0;
  let groupedMs = 0;
  for (let r = 0; r < requests; r += 1) {
    serialMs += await serial();
    groupedMs += await grouped();
  }
  return { serialMs: serialMs / requests, groupedMs: groupedMs / requests };
}
