/**
 * Who is writing, carried with the request instead of through every function signature: the SCIM
 * handler runs each request (and each Bulk operation) inside a scope, and the store stamps the items
 * it writes with it (`writtenBy`). The table's stream then tells the activity recorder who changed
 * what without one more DynamoDB call on the request's path (docs/activity.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The client software, from its User-Agent (identity providers only; anything else is `other`). */
export type ClientClass = 'entra' | 'okta' | 'other';

export interface RequestScope {
  readonly tenantId: string;
  readonly requestId: string;
  /** A secret token's id (`tok_…`) or an OAuth client id; never a secret or a token. */
  readonly credentialId: string;
  readonly client: ClientClass;
  /** `METHOD /Route` as in functions/routes.ts, e.g. `PATCH /Users/{id}`. */
  readonly operation: string;
  /** Set when the write is one operation of a POST /Bulk. */
  readonly bulk?: boolean;
  /** The tenant sets `activity.hashUserName`: what the store writes for the activity log holds the hash, never the userName. */
  readonly hashUserNames?: boolean;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const runInScope = <T>(scope: RequestScope, work: () => T): T => storage.run(scope, work);

export const currentScope = (): RequestScope | undefined => storage.getStore();

/** Entra's provisioning service and Okta's SCIM client name themselves in their User-Agent. */
export function clientClassOf(userAgent: string | undefined): ClientClass {
  if (!userAgent) return 'other';
  if (/microsoft|azure|entra|aad/i.test(userAgent)) return 'entra';
  if (/okta/i.test(userAgent)) return 'okta';
  return 'other';
}

/**
 * The `writtenBy` attribute of an item written in the current scope (nothing outside one: the
 * admin CLI, imports, the janitor). Who joined or left a group is the group item's `memberDelta`.
 */
export function writtenBy(): { writtenBy?: Record<string, unknown> } {
  const scope = currentScope();
  if (!scope) return {};
  return {
    writtenBy: {
      requestId: scope.requestId,
      credentialId: scope.credentialId,
      client: scope.client,
      operation: scope.operation,
      ...(scope.bulk ? { bulk: true } : {}),
    },
  };
}
