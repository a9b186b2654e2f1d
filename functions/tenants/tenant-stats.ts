/**
 * A tenant's counts — users, active users, groups, memberships — for `GET /admin/v1/tenants/{id}/stats`
 * and `scim-admin stats`. Read page by page (1,000 items a Query), so its cost grows with the
 * tenant's size: an operator's look, not a request path.
 */
import type { Db } from '../store/db';
import { countMembers } from '../store/memberships';
import { pages, startingAt } from '../store/paging';
import { listResources } from '../store/resources';

export interface TenantStats {
  readonly users: number;
  readonly activeUsers: number;
  readonly groups: number;
  readonly memberships: number;
}

export async function tenantStats(db: Db, tenantId: string): Promise<TenantStats> {
  let users = 0;
  let activeUsers = 0;
  for await (const page of pages((startKey) => listResources(db, tenantId, 'User', { limit: 1000, ...startingAt(startKey) }))) {
    users += page.items.length;
    activeUsers += page.items.filter((u) => u.resource.active !== false).length;
  }
  const groups: string[] = [];
  for await (const page of pages((startKey) => listResources(db, tenantId, 'Group', { limit: 1000, ...startingAt(startKey) }))) {
    groups.push(...page.items.map((g) => g.id));
  }
  let memberships = 0;
  for (const groupId of groups) memberships += await countMembers(db, tenantId, groupId);
  return { users, activeUsers, groups: groups.length, memberships };
}
