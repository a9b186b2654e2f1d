/**
 * Index paging (`startIndex`) over a tenant's partition, unsorted, without a key-served filter — how
 * Okta's import, Microsoft's Postman collection and most admin tools list users: `startIndex=1, 101,
 * 201, …`. Each page reads about one page of items (eventually consistent) from where the previous
 * page stopped (store/list-positions.ts), instead of re-reading everything before it:
 *  - a page that follows one this server served continues from the stored position;
 *  - `startIndex=1` starts at the beginning; no filter: the walk's totalResults is read there from the
 *    tenant's exact counters (store/resource-counts.ts: one Query of a few items, whatever the tenant's
 *    size; counts not yet complete, one COUNT Query: store/resources.ts totalResources) and carried
 *    from page to page;
 *  - any other startIndex (a far jump, a position older than an hour) walks from the beginning within
 *    the scan budget, beyond it `400 tooMany` saying how to page instead;
 *  - a filter no key serves is judged page by page; totalResults is then what the walk knows: exact
 *    once it reached the end, before that the matches so far plus one more page (RFC 7644 §3.4.2.4
 *    leaves it to the provider), so a client keeps paging until a short page;
 *  - one request never reads more than the scan budget (a very selective filter: `400 tooMany`, or
 *    cursor pagination, which returns shorter pages).
 */
import type { ResourceTypeName } from '../scim/schema/types';
import { loadPosition, savePosition, type ListPosition } from '../store/list-positions';
import { listResources, positionAfter, totalResources, type StoredResource } from '../store/resources';
import type { TenantContext } from './context';
import { limits, tooMany } from './limits';
import type { ListParams } from './list-params';
import type { QueryResult } from './query-plan';

export type Matcher = (candidates: StoredResource[]) => Promise<StoredResource[]>;

/** Items read per DynamoDB call of a walk (a filter that matches few reads further). */
const READ_LIMIT = 500;

export async function indexWalk(
  ctx: TenantContext,
  type: ResourceTypeName,
  params: ListParams,
  query: string,
  matching: Matcher,
): Promise<QueryResult> {
  const stored = params.startIndex > 1 ? await loadPosition(ctx.db, ctx.tenantId, query, params.startIndex) : undefined;
  // Without a filter the walk knows its total: counted once where it starts, then carried page to page.
  const total = stored ? stored.total : params.filter ? undefined : await totalResources(ctx.db, ctx.tenantId, type);
  const page = stored
    ? await readPage(ctx, type, params.count, 0, matching, stored.lastKey)
    : params.startIndex === 1
      ? await readPage(ctx, type, params.count, 0, matching, undefined)
      : await farJump(ctx, type, params, matching);
  const next = params.startIndex + page.matches.length;
  if (page.resumeAt) await savePosition(ctx.db, ctx.tenantId, query, next, { lastKey: page.resumeAt, ...known(total) });
  return {
    matches: page.matches,
    startIndex: params.startIndex,
    totalResults: total ?? (page.resumeAt ? next - 1 + params.count : next - 1),
  };
}

const known = (total: number | undefined): Partial<ListPosition> => (total === undefined ? {} : { total });

/** A startIndex no page led to: skip `startIndex - 1` matches from the beginning, within the scan budget. */
async function farJump(ctx: TenantContext, type: ResourceTypeName, params: ListParams, matching: Matcher) {
  if (params.startIndex - 1 + params.count > limits.scanBudget) {
    throw tooMany(type, `startIndex=${params.startIndex} does not follow a page of this query served in the last hour`);
  }
  return readPage(ctx, type, params.count, params.startIndex - 1, matching, undefined);
}

interface Page {
  readonly matches: StoredResource[];
  /** Where the next page starts; undefined at the end of the partition. */
  readonly resumeAt?: Record<string, unknown>;
}

/** `count` (> 0) matches after skipping `skip`, reading from `from`; never more than the scan budget. */
async function readPage(
  ctx: TenantContext,
  type: ResourceTypeName,
  count: number,
  skip: number,
  matching: Matcher,
  from: Record<string, unknown> | undefined,
): Promise<Page> {
  const matches: StoredResource[] = [];
  let toSkip = skip;
  let startKey = from;
  let read = 0;
  for (;;) {
    const wanted = toSkip + count - matches.length;
    const page = await listResources(ctx.db, ctx.tenantId, type, {
      limit: Math.max(1, Math.min(READ_LIMIT, wanted, limits.scanBudget - read)),
      ...(startKey ? { startKey } : {}),
      consistent: false,
    });
    read += page.items.length;
    const found = await matching(page.items);
    const skipped = Math.min(toSkip, found.length);
    toSkip -= skipped;
    const room = count - matches.length;
    const taken = found.slice(skipped, skipped + room);
    matches.push(...taken);
    if (matches.length === count) {
      // Full: the next page starts after the last resource served (unless this read reached the end with it).
      const atEnd = !page.lastKey && skipped + taken.length === found.length;
      return atEnd ? { matches } : { matches, resumeAt: positionAfter(ctx.tenantId, type, (matches.at(-1) as StoredResource).id) };
    }
    if (!page.lastKey) return { matches };
    startKey = page.lastKey;
    if (read >= limits.scanBudget) throw tooMany(type);
  }
}
