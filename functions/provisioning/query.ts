/**
 * The executor of list queries (RFC 7644 §3.4.2): runs the one plan query-plan.ts chooses. A
 * filter served by key reads only the candidates the key names and evaluates the whole filter on
 * them; other filters walk the tenant's partition: index pages continue where the previous page
 * stopped (index-walk.ts), cursor pages resume from the cursor, and no request reads more than the
 * scan budget (400 tooMany for index paging, shorter pages for cursors). Partition reads are
 * eventually consistent (list pages); by-id and uniqueness reads strongly (store/resources.ts).
 */
import { createHash } from 'node:crypto';
import { badRequest } from '../scim/scim-error';
import type { FilterNode } from '../scim/filter/ast';
import { evaluateFilter } from '../scim/filter/evaluate';
import { compareResources } from '../scim/filter/sort';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { cursorKey } from '../store/cursor-key';
import { pages, startingAt } from '../store/paging';
import { findIdByUnique, findIdsByValue, getResources, listResources, positionAfter, type StoredResource } from '../store/resources';
import type { TenantContext } from './context';
import { decodeCursor, encodeCursor, type CursorPosition } from './cursor';
import { limits, tooMany } from './limits';
import type { ListParams } from './list-params';
import { membershipMentions } from './membership-filter';
import { membershipsForFilter, relatedIds } from './membership-view';
import { membersPage } from './member-pages';
import { indexWalk } from './index-walk';
import { planQuery, type KeyLookup, type QueryResult } from './query-plan';
import { represent } from './representation';

export type { QueryResult } from './query-plan';

const PAGE_READ_LIMIT = 500;

export async function runQuery(ctx: TenantContext, type: ResourceTypeName, params: ListParams): Promise<QueryResult> {
  const binding = bindingOf(ctx, type, params);
  const secret = params.cursor === undefined ? undefined : await cursorKey(ctx.db);
  const position = secret && params.cursor ? decodeCursor(secret, binding, params.cursor) : undefined;
  const plan = planQuery(ctx.profile.schemas, type, {
    filter: params.filter,
    sorted: params.sortBy !== undefined,
    cursor: secret !== undefined,
  });
  switch (plan.kind) {
    case 'members':
      return membersPage(ctx, plan.groupId, params, secret ? { secret, binding, position } : undefined);
    case 'memberOf':
      return membershipPage(ctx, type, params, plan.userId, secret, binding, position);
    case 'walk':
      if (position && !('lastKey' in position)) throw badRequest('invalidCursor', 'The cursor does not fit this query.');
      return walk(ctx, type, params, secret as Buffer, binding, position?.lastKey);
    case 'scan':
    case 'key': {
      // Index paging in storage order: each page continues where the last stopped (index-walk.ts);
      // a sort, or count=0, reads the candidates within the budget.
      if (plan.kind === 'scan' && !secret && !params.sortBy && params.count > 0) {
        return indexWalk(ctx, type, params, binding, (items) => matching(ctx, type, params.filter, items));
      }
      const keyed = plan.kind === 'key' ? await keyCandidates(ctx, type, plan.lookup) : undefined;
      const candidates = keyed?.resources ?? (await readAll(ctx, type));
      const matches = sortMatches(ctx, type, await matching(ctx, type, params.filter, candidates, keyed?.relatedTo), params);
      return slice(matches, params, secret, binding, position);
    }
  }
}

/** A page of matches already in order: by startIndex, or by a cursor holding the offset. */
function slice(
  matches: StoredResource[],
  params: ListParams,
  secret: Buffer | undefined,
  binding: string,
  position: CursorPosition | undefined,
): QueryResult {
  if (!secret) {
    const start = params.startIndex - 1;
    return { matches: matches.slice(start, start + params.count), totalResults: matches.length, startIndex: params.startIndex };
  }
  if (position && !('offset' in position)) throw badRequest('invalidCursor', 'The cursor does not fit this query.');
  const offset = position?.offset ?? 0;
  const end = offset + params.count;
  return {
    matches: matches.slice(offset, end),
    totalResults: matches.length,
    ...(end < matches.length ? { nextCursor: encodeCursor(secret, binding, { offset: end }) } : {}),
  };
}

/** A cursor is valid only for the tenant, type, filter and order that produced it. */
function bindingOf(ctx: TenantContext, type: ResourceTypeName, params: ListParams): string {
  const query = JSON.stringify([ctx.tenantId, type, params.filterText, params.sortBy?.path ?? '', params.sortOrder]);
  return createHash('sha256').update(query).digest('base64url');
}

/**
 * Index or cursor pages of "groups of user X": ids come from the user's membership index (a user is
 * in few groups), and only the page's groups are read. totalResults costs no resource reads.
 */
async function membershipPage(
  ctx: TenantContext,
  type: ResourceTypeName,
  params: ListParams,
  relatedTo: string,
  secret: Buffer | undefined,
  binding: string,
  position: CursorPosition | undefined,
): Promise<QueryResult> {
  const ids = [...(await relatedIds(ctx, type, relatedTo))].sort();
  if (position && !('offset' in position)) throw badRequest('invalidCursor', 'The cursor does not fit this query.');
  const offset = secret ? (position?.offset ?? 0) : params.startIndex - 1;
  const end = offset + params.count;
  const matches = await getResources(ctx.db, ctx.tenantId, type, ids.slice(offset, end));
  return {
    matches,
    totalResults: ids.length,
    ...(secret ? {} : { startIndex: params.startIndex }),
    ...(secret && end < ids.length ? { nextCursor: encodeCursor(secret, binding, { offset: end }) } : {}),
  };
}

interface KeyedCandidates {
  readonly resources: StoredResource[];
  /** Set when every candidate is known to be related (member/group) to this id. */
  readonly relatedTo?: string;
}

/** The candidates a key plan names. */
async function keyCandidates(ctx: TenantContext, type: ResourceTypeName, lookup: KeyLookup): Promise<KeyedCandidates> {
  switch (lookup.by) {
    case 'id':
      return { resources: await getResources(ctx.db, ctx.tenantId, type, [lookup.id]) };
    case 'membership':
      return {
        resources: await getResources(ctx.db, ctx.tenantId, type, await relatedIds(ctx, type, lookup.relatedTo)),
        relatedTo: lookup.relatedTo,
      };
    case 'unique': {
      const id = await findIdByUnique(ctx.db, ctx.tenantId, type, { attribute: lookup.attribute, value: lookup.value });
      return { resources: id ? await getResources(ctx.db, ctx.tenantId, type, [id]) : [] };
    }
    case 'shared': {
      // Not unique (externalId under `none`): every owner of the value, each then judged by the whole filter.
      const ids = await findIdsByValue(ctx.db, ctx.tenantId, type, { attribute: lookup.attribute, value: lookup.value, shared: true });
      return { resources: await getResources(ctx.db, ctx.tenantId, type, ids) };
    }
  }
}

async function readAll(ctx: TenantContext, type: ResourceTypeName): Promise<StoredResource[]> {
  const all: StoredResource[] = [];
  for await (const page of pages((startKey) =>
    listResources(ctx.db, ctx.tenantId, type, { limit: PAGE_READ_LIMIT, ...startingAt(startKey), consistent: false }),
  )) {
    all.push(...page.items);
    if (all.length > limits.scanBudget) throw tooMany(type);
  }
  return all;
}

/** Cursor pagination in storage order: resumes from DynamoDB's own key, stops at the page size or the read budget. */
async function walk(
  ctx: TenantContext,
  type: ResourceTypeName,
  params: ListParams,
  secret: Buffer,
  binding: string,
  from: Record<string, unknown> | undefined,
): Promise<QueryResult> {
  const matches: StoredResource[] = [];
  let startKey = from;
  let read = 0;
  let resumeAt: CursorPosition | undefined;
  while (matches.length < params.count) {
    const page = await listResources(ctx.db, ctx.tenantId, type, {
      limit: PAGE_READ_LIMIT,
      ...(startKey ? { startKey } : {}),
      consistent: false,
    });
    const found = await matching(ctx, type, params.filter, page.items);
    const room = params.count - matches.length;
    matches.push(...found.slice(0, room));
    read += page.items.length;
    if (found.length > room) {
      // Stop after the last returned match; the rest of this page is read again next time.
      resumeAt = { lastKey: positionAfter(ctx.tenantId, type, (matches.at(-1) as StoredResource).id) };
      break;
    }
    if (!page.lastKey) break;
    startKey = page.lastKey;
    if (read >= limits.scanBudget || matches.length === params.count) {
      resumeAt = { lastKey: page.lastKey };
      break;
    }
  }
  return {
    matches,
    ...(resumeAt ? { nextCursor: encodeCursor(secret, binding, resumeAt) } : {}),
    // A walk that started at the beginning and reached the end knows the total.
    ...(!resumeAt && !from ? { totalResults: matches.length } : {}),
  };
}

async function matching(
  ctx: TenantContext,
  type: ResourceTypeName,
  filter: FilterNode | undefined,
  candidates: StoredResource[],
  relatedTo?: string,
): Promise<StoredResource[]> {
  if (!filter) return candidates;
  const mentions = membershipMentions(type, filter);
  const memberships = mentions.none ? undefined : await membershipsForFilter(ctx, type, candidates, mentions, relatedTo);
  return candidates.filter((stored) => {
    const view: ScimResource = represent(ctx.profile, type, stored, ctx.baseUrl, memberships?.get(stored.id) ?? {});
    return evaluateFilter(filter, view);
  });
}

function sortMatches(ctx: TenantContext, type: ResourceTypeName, matches: StoredResource[], params: ListParams): StoredResource[] {
  const byId = (a: StoredResource, b: StoredResource) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (!params.sortBy) return [...matches].sort(byId);
  const compare = compareResources(params.sortBy, params.sortOrder);
  // Sorted as clients see each resource (a value a deploy left behind sorts as absent, stored-fit.ts),
  // by the representation the filter already built and the response will use.
  const view = (stored: StoredResource) => represent(ctx.profile, type, stored, ctx.baseUrl);
  return [...matches].sort((a, b) => compare(view(a), view(b)) || byId(a, b));
}
