/**
 * `GET /Users?filter=groups.value eq "<groupId>"`: the members of a group, page by page, read from
 * the membership items themselves, so a group of any size can be listed. Cursor pages follow
 * DynamoDB's own position in the group's member partition; index pages skip member keys (a
 * keys-only read) and count the group once for totalResults.
 */
import { badRequest } from '../scim/scim-error';
import { countMembers, listMembers, memberPosition } from '../store/memberships';
import { getResource, getResources } from '../store/resources';
import type { TenantContext } from './context';
import { encodeCursor, type CursorPosition } from './cursor';
import type { ListParams } from './list-params';
import type { QueryResult } from './query-plan';

const KEY_PAGE = 1000;

export async function membersPage(
  ctx: TenantContext,
  groupId: string,
  params: ListParams,
  cursor: { secret: Buffer; binding: string; position: CursorPosition | undefined } | undefined,
): Promise<QueryResult> {
  // A deleted group's member items may outlive it until the janitor has run: it has no members.
  if (!(await getResource(ctx.db, ctx.tenantId, 'Group', groupId)))
    return { matches: [], totalResults: 0, ...(cursor ? {} : { startIndex: params.startIndex }) };
  if (cursor) return cursorPage(ctx, groupId, params, cursor);
  const offset = params.startIndex - 1;
  const ids = await memberIdsAt(ctx, groupId, offset, params.count);
  return {
    matches: await getResources(ctx.db, ctx.tenantId, 'User', ids),
    totalResults: await countMembers(ctx.db, ctx.tenantId, groupId),
    startIndex: params.startIndex,
  };
}

async function cursorPage(
  ctx: TenantContext,
  groupId: string,
  params: ListParams,
  cursor: { secret: Buffer; binding: string; position: CursorPosition | undefined },
): Promise<QueryResult> {
  const { position } = cursor;
  if (position && !('lastKey' in position)) throw badRequest('invalidCursor', 'The cursor does not fit this query.');
  if (params.count === 0) return { matches: [], totalResults: await countMembers(ctx.db, ctx.tenantId, groupId) };
  // One key more than the page: the last page then never carries a nextCursor to an empty page.
  const page = await listMembers(ctx.db, ctx.tenantId, groupId, {
    limit: params.count + 1,
    ...(position ? { startKey: position.lastKey } : {}),
  });
  const ids = page.userIds.slice(0, params.count);
  const more = page.userIds.length > params.count;
  const last = ids.at(-1);
  return {
    matches: await getResources(ctx.db, ctx.tenantId, 'User', ids),
    ...(more && last !== undefined
      ? { nextCursor: encodeCursor(cursor.secret, cursor.binding, { lastKey: memberPosition(ctx.tenantId, groupId, last) }) }
      : {}),
    // A first page that is also the last knows the total.
    ...(!position && !more ? { totalResults: ids.length } : {}),
  };
}

/** `count` member ids starting at `offset`, in id order. */
async function memberIdsAt(ctx: TenantContext, groupId: string, offset: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  let skipped = 0;
  let startKey: Record<string, unknown> | undefined;
  while (ids.length < count) {
    const page = await listMembers(ctx.db, ctx.tenantId, groupId, { limit: KEY_PAGE, ...(startKey ? { startKey } : {}) });
    const skip = Math.min(page.userIds.length, offset - skipped);
    skipped += skip;
    ids.push(...page.userIds.slice(skip, skip + count - ids.length));
    if (!page.lastKey) break;
    startKey = page.lastKey;
  }
  return ids;
}
