/** The ListResponse message (RFC 7644 §3.4.2), with RFC 9865's cursor members when paging by cursor. */
import type { ScimResource } from './schema/types';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListPage {
  readonly resources: readonly ScimResource[];
  /** Omitted by cursor pages whose walk did not reach the end (RFC 9865 §2.2 allows it). */
  readonly totalResults?: number;
  readonly startIndex?: number;
  readonly itemsPerPage: number;
  readonly nextCursor?: string;
}

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults?: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  Resources: ScimResource[];
}

export function listResponse(page: ListPage): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    ...(page.totalResults !== undefined ? { totalResults: page.totalResults } : {}),
    itemsPerPage: page.itemsPerPage,
    ...(page.startIndex !== undefined ? { startIndex: page.startIndex } : {}),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    Resources: [...page.resources],
  };
}
