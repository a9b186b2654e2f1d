/**
 * List query parameters (RFC 7644 §3.4.2, §3.4.3; RFC 9865), from a GET query string or a POST
 * `.search` body, validated into one shape.
 */
import { badRequest, invalidValue } from '../scim/scim-error';
import type { FilterNode } from '../scim/filter/ast';
import { parseFilter } from '../scim/filter/parse';
import { parseSortBy } from '../scim/filter/sort';
import { parseAttributeList } from '../scim/projection';
import type { ResolvedAttribute } from '../scim/schema/registry';
import type { ResourceTypeName } from '../scim/schema/types';
import type { ScimProfile } from '../scim/scim-profile';
import { limits } from './limits';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface Selection {
  readonly attributes?: ResolvedAttribute[];
  readonly excludedAttributes?: ResolvedAttribute[];
}

export interface ListParams {
  readonly filter?: FilterNode;
  /** The filter as sent, part of what a cursor is bound to. */
  readonly filterText: string;
  readonly selection: Selection;
  readonly sortBy?: ResolvedAttribute;
  readonly sortOrder: 'ascending' | 'descending';
  readonly startIndex: number;
  readonly count: number;
  /** Defined when the client asked for cursor pagination ('' on the first page). */
  readonly cursor?: string;
}

/** Raw parameters with lower-cased names: strings from a query, JSON values from a body. */
export type RawParams = Readonly<Record<string, unknown>>;

export function parseListParams(profile: ScimProfile, type: ResourceTypeName, raw: RawParams): ListParams {
  const filterText = text(raw.filter, 'filter');
  const sortByText = text(raw.sortby, 'sortBy');
  const cursor = raw.cursor === undefined ? undefined : text(raw.cursor, 'cursor');
  return {
    ...(filterText ? { filter: parseFilter(profile, type, filterText) } : {}),
    filterText,
    selection: parseSelection(profile, type, raw),
    ...(sortByText ? { sortBy: parseSortBy(profile, type, sortByText) } : {}),
    sortOrder: sortOrder(raw.sortorder),
    startIndex: startIndex(raw.startindex),
    count: cursor === undefined ? indexCount(raw.count) : cursorCount(raw.count),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

export function parseSelection(profile: ScimProfile, type: ResourceTypeName, raw: RawParams): Selection {
  const attributes = list(raw.attributes, 'attributes');
  const excluded = list(raw.excludedattributes, 'excludedAttributes');
  return {
    ...(attributes ? { attributes: parseAttributeList(profile, type, attributes) } : {}),
    ...(excluded ? { excludedAttributes: parseAttributeList(profile, type, excluded) } : {}),
  };
}

/** A `.search` body: a SearchRequest object whose member names are matched case-insensitively. */
export function searchBodyParams(body: unknown): RawParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('invalidSyntax', 'A search request body must be a JSON object.');
  }
  return Object.fromEntries(Object.entries(body).map(([name, value]) => [name.toLowerCase(), value]));
}

function text(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidValue(`"${name}" must be a string.`);
  return value.trim();
}

/** `attributes=a,b` in a query, `["a","b"]` (or "a,b") in a search body. */
function list(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  throw invalidValue(`"${name}" must be a list of attribute names.`);
}

function sortOrder(value: unknown): 'ascending' | 'descending' {
  const order = text(value, 'sortOrder').toLowerCase();
  if (order === '' || order === 'ascending') return 'ascending';
  if (order === 'descending') return 'descending';
  throw invalidValue('"sortOrder" must be "ascending" or "descending".');
}

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw invalidValue(`"${name}" must be an integer.`);
  return number;
}

/** RFC 7644 §3.4.2.4: 1-based; values below 1 are taken as 1. */
function startIndex(value: unknown): number {
  return Math.max(1, integer(value, 'startIndex') ?? 1);
}

/** RFC 7644 §3.4.2.4: negative means 0 (totals only); more than the maximum is served as the maximum. */
function indexCount(value: unknown): number {
  const count = integer(value, 'count') ?? limits.defaultPageSize;
  return Math.min(Math.max(0, count), limits.maxPageSize);
}

/** RFC 9865 §2: with cursors, a count the server will not honour is an error, not a silent change. */
function cursorCount(value: unknown): number {
  let count: number | undefined;
  try {
    count = integer(value, 'count');
  } catch {
    throw badRequest('invalidCount', '"count" must be an integer.');
  }
  if (count === undefined) return limits.defaultPageSize;
  if (count < 0 || count > limits.maxPageSize) {
    throw badRequest('invalidCount', `"count" must be between 0 and ${limits.maxPageSize}.`);
  }
  return count;
}
