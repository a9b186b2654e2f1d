/**
 * The service's advertised limits, in one place: ServiceProviderConfig publishes them and the
 * provisioning code enforces them, so the two can never disagree.
 */
import { environment } from '../commons/environment';
import { badRequest, type ScimError } from '../scim/scim-error';
import type { ResourceTypeName } from '../scim/schema/types';
import { CURSOR_TIMEOUT_SECONDS } from './cursor';

/** Advertised as bulk.maxPayloadSize; well under Lambda's 6 MB and DynamoDB's 400 KB per item is checked later. */
export const MAX_PAYLOAD_BYTES = 1_048_576;

export const limits = {
  /** Page size when a query gives no `count` (the SCIM interop profile asks for at least 100). */
  defaultPageSize: 100,
  /** Largest page served; also `filter.maxResults`. */
  maxPageSize: 1000,
  /**
   * Resources a list query may read when no key serves its filter (or to compute totalResults).
   * Beyond it the query answers 400 tooMany instead of running past API Gateway's 29 s.
   */
  get scanBudget(): number {
    // Read when used, so the setting (SCIM_SCAN_BUDGET) does not depend on module load order.
    return environment.scanBudget();
  },
  /** Members a GET of one group returns inline (10,000); larger groups answer 400 tooMany (see docs/groups.md). */
  get groupMembersInline(): number {
    return environment.groupMembersInline();
  },
  /**
   * How long a DELETE spends removing memberships itself before it answers (3 s); the stream janitor
   * removes the rest. Keeps deleting a 100,000-member group a few seconds, far from API Gateway's 29 s.
   */
  get deleteCleanupMs(): number {
    return environment.deleteCleanupMs();
  },
  bulk: {
    maxOperations: 1000,
    maxPayloadSize: MAX_PAYLOAD_BYTES,
    /**
     * Independent bulk operations in flight at once (SCIM_BULK_CONCURRENCY, default 32). Their
     * transactions share TransactWriteItems calls (up to 33 creates in one), one call in flight at
     * a time. A tenant's items share one partition key (1,000 WCU/s; a user create is 4 WCU), which a
     * large bulk can exceed in bursts: throttled transactions are retried with backoff
     * (store/transactions.ts), so the bulk slows to the partition's rate instead of failing.
     */
    get concurrency(): number {
      return environment.bulkConcurrency();
    },
    /**
     * `POST /Bulk` requests one tenant may have in progress at once (SCIM_BULK_REQUESTS_PER_TENANT,
     * default 2); another is answered 429 with Retry-After. Not a ServiceProviderConfig field (RFC 7643
     * §5 has none for it): maxOperations and maxPayloadSize stay as advertised, per request.
     */
    get requestsPerTenant(): number {
      return environment.bulkRequestsPerTenant();
    },
  },
  cursorTimeout: CURSOR_TIMEOUT_SECONDS,
} as const;

/** The answer when a query would read more than the budget (RFC 7644 §3.12 tooMany). */
export function tooMany(type: ResourceTypeName, why?: string): ScimError {
  return badRequest(
    'tooMany',
    `${why ? `${why}: it` : 'This query'} would read more than ${limits.scanBudget} ${type}s. Filter on id, externalId or ` +
      `${type === 'User' ? 'userName' : 'displayName'} (served by key), page on from startIndex=1 (each page continues where the last stopped), or page with cursor=.`,
  );
}
