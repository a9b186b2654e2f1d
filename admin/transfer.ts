/**
 * `export` / `import` of one tenant as JSON Lines: a header line, then users, groups and
 * memberships, one per line. Import is idempotent: a resource that exists unchanged is skipped,
 * a changed one is replaced (same id), memberships are re-added (a no-op when present).
 * Import writes through the provisioning layer (functions/provisioning/restore.ts), so the
 * tenant's rules, versions and change events are those of an HTTP write.
 */
import * as z from 'zod';
import type { Db } from '../functions/store/db';
import type { TenantContext } from '../functions/provisioning/context';
import { restoreMembers, restoreResource } from '../functions/provisioning/restore';
import { listMembers } from '../functions/store/memberships';
import { getResource, listResources } from '../functions/store/resources';
import { pages, startingAt } from '../functions/store/paging';
import type { TenantRecord } from '../functions/store/tenants';
import { profileOf } from '../functions/tenants/profile-from-settings';

export const EXPORT_FORMAT = 'scim-serverless/export@1';

const lineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('Export'), format: z.literal(EXPORT_FORMAT), tenantId: z.string(), exportedAt: z.string() }),
  z.object({ kind: z.enum(['User', 'Group']), id: z.string().min(1), resource: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('Membership'), groupId: z.string().min(1), userId: z.string().min(1) }),
]);
type Line = z.infer<typeof lineSchema>;

export type Progress = (what: string, count: number) => void;

export async function exportTenant(
  db: Db,
  tenantId: string,
  write: (line: string) => Promise<void>,
  progress: Progress,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = { User: 0, Group: 0, Membership: 0 };
  await write(JSON.stringify({ kind: 'Export', format: EXPORT_FORMAT, tenantId, exportedAt: new Date().toISOString() }));
  const groupIds: string[] = [];
  for (const type of ['User', 'Group'] as const) {
    for await (const page of pages((startKey) => listResources(db, tenantId, type, { limit: 500, ...startingAt(startKey) }))) {
      for (const stored of page.items) {
        await write(JSON.stringify({ kind: type, id: stored.id, resource: stored.resource }));
        if (type === 'Group') groupIds.push(stored.id);
        counts[type] = (counts[type] ?? 0) + 1;
      }
      progress(type === 'User' ? 'users' : 'groups', counts[type] ?? 0);
    }
  }
  for (const groupId of groupIds) {
    for await (const page of pages((startKey) => listMembers(db, tenantId, groupId, startingAt(startKey)))) {
      for (const userId of page.userIds) await write(JSON.stringify({ kind: 'Membership', groupId, userId }));
      counts.Membership = (counts.Membership ?? 0) + page.userIds.length;
      progress('memberships', counts.Membership);
    }
  }
  return counts;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  memberships: number;
  /** `line N: reason` (ids only, never attribute values). */
  failures: string[];
}

/**
 * `lines` is read from the first await on: a readline interface must not wait behind other work
 * (lines it emits before iteration starts are lost), so the caller passes the tenant it looked up.
 */
export async function importTenant(
  db: Db,
  tenant: Pick<TenantRecord, 'tenantId' | 'settings'>,
  lines: AsyncIterable<string>,
  progress: Progress,
): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, memberships: 0, failures: [] };
  const { tenantId } = tenant;
  const ctx: TenantContext = {
    db,
    tenantId,
    // The tenant's own schemas judge the lines, as they judge its SCIM requests.
    profile: profileOf(tenant.settings).profile,
    // Nothing the import writes carries a URL; the CLI has no time limit.
    baseUrl: '',
    deadline: Number.POSITIVE_INFINITY,
  };
  const members = new Map<string, string[]>();
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const line = parseLine(text, number, result);
    if (!line || line.kind === 'Export') continue;
    if (line.kind === 'Membership') {
      members.set(line.groupId, [...(members.get(line.groupId) ?? []), line.userId]);
      continue;
    }
    try {
      result[await restoreResource(ctx, line.kind, line.id, line.resource)] += 1;
    } catch (error) {
      result.failures.push(`line ${number}: ${line.kind} ${line.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    progress('resources', result.created + result.updated + result.unchanged);
  }
  for (const [groupId, userIds] of members) {
    if (!(await getResource(db, tenantId, 'Group', groupId))) {
      result.failures.push(`memberships of group ${groupId}: no such group`);
      continue;
    }
    const { added, missing } = await restoreMembers(ctx, groupId, userIds);
    if (missing.length > 0) result.failures.push(`group ${groupId}: ${missing.length} member(s) are not users of this tenant`);
    result.memberships += added;
    progress('memberships', result.memberships);
  }
  return result;
}

function parseLine(text: string, number: number, result: ImportResult): Line | undefined {
  try {
    const parsed = lineSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    result.failures.push(`line ${number}: not an export line (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  } catch {
    result.failures.push(`line ${number}: not JSON`);
  }
  return undefined;
}
