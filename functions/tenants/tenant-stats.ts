/**
 * A tenant's counts — users, active users, groups, memberships — for `GET /admin/v1/tenants/{id}/stats`
 * and `scim-admin stats` (both call tenantStats). Users and groups are the exact per-tenant counters, read
 * as an unfiltered list's totalResults reads them (store/resources.ts totalResources: the counter shards,
 * or, while a tenant's counters are not yet settled, one COUNT Query that settles them), so stats and
 * `GET /Users` never disagree. Active users and memberships have no counter: the inactive users are one
 * COUNT Query over the tenant's users, the memberships one COUNT per group, so their cost grows with the
 * tenant's size (docs/admin-api.md#connection-values-and-counts): an operator's look, not a request path.
 */
import { servedTenant } from '../commons/served-tenant';
import type { Db } from '../store/db';
import { countMembers } from '../store/memberships';
import { pages, startingAt } from '../store/paging';
import { countInactiveUsers, listResources, totalResources } from '../store/resources';
import { getTenant } from '../store/tenants';

export interface TenantStats {
  readonly users: number;
  readonly activeUsers: number;
  readonly groups: number;
  readonly memberships: number;
}

/** NotFound for an unknown tenant, InvalidState while it is being deleted (commons/served-tenant.ts). */
export async function tenantStats(db: Db, tenantId: string): Promise<TenantStats> {
  servedTenant(await getTenant(db, tenantId), tenantId);
  const [users, groups, inactive, memberships] = await Promise.all([
    totalResources(db, tenantId, 'User'),
    totalResources(db, tenantId, 'Group'),
    countInactiveUsers(db, tenantId),
    countMemberships(db, tenantId),
  ]);
  // The inactive count is read a moment apart from the counter: a deletion in between must not make it negative.
  const activeUsers = Math.max(0, users - inactive);
  return { users, activeUsers, groups, memberships };
}

/** Every group's member count (the group ids page by page, then one COUNT Query per group; all eventually consistent). */
async function countMemberships(db: Db, tenantId: string): Promise<number> {
  let memberships = 0;
  for await (const page of pages((startKey) =>
    listResources(db, tenantId, 'Group', { limit: 1000, consistent: false, ...startingAt(startKey) }),
  )) {
    for (const group of page.items) memberships += await countMembers(db, tenantId, group.id, false);
  }
  return memberships;
}
