/**
 * The admin API's errors as RFC 9457 problem details (`application/problem+json`): the problem
 * types, each with its one status and title, and the mapping from service errors
 * (commons/service-errors.ts) and platform faults to them. The OpenAPI document declares these
 * types per operation (openapi.ts); docs/admin-api.md explains each.
 */
import { isServiceError, type InputIssue, type ServiceErrorKind } from '../commons/service-errors';
import { awsFaultOf, FAULT_RETRY_AFTER } from '../commons/aws-faults';

export const PROBLEM_TYPES = {
  'invalid-input': { status: 400, title: 'The request is not valid' },
  'invalid-cursor': { status: 400, title: 'The cursor is not valid' },
  'malformed-request': { status: 400, title: 'The request body is not JSON' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'already-exists': { status: 409, title: 'Already exists' },
  'limit-reached': { status: 409, title: 'Limit reached' },
  'invalid-state': { status: 409, title: 'Not possible in the current state' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  throttled: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Temporarily unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<ServiceErrorKind | string, { status: number; title: string }>;

export type ProblemName = keyof typeof PROBLEM_TYPES;

/** Problem type URIs are tags (RFC 4151): names, not pages to fetch (RFC 9457 §3.1.1). */
export const problemType = (name: ProblemName): string => `tag:scim-serverless,2026:problems/${name}`;

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** For invalid-input: every failing member, by path (e.g. `settings.requiredAttributes.User[0]`). */
  readonly errors?: readonly { readonly path: string; readonly detail: string }[];
}

/** An error the admin HTTP edge answers with a problem; thrown by the router, never by services. */
export class Problem extends Error {
  constructor(
    readonly problem: ProblemName,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly issues: readonly InputIssue[] = [],
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEM_TYPES[this.problem].status;
  }

  toBody(): ProblemBody {
    const spec = PROBLEM_TYPES[this.problem];
    return {
      type: problemType(this.problem),
      title: spec.title,
      status: spec.status,
      detail: this.detail,
      ...(this.issues.length > 0 ? { errors: this.issues.map((issue) => ({ path: issue.path, detail: issue.message })) } : {}),
    };
  }
}

/** Service errors by kind; DynamoDB throttling and outages as retryable problems; anything else `internal`. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (isServiceError(error)) return new Problem(error.kind, error.message, {}, 'issues' in error ? (error.issues as InputIssue[]) : []);
  const fault = awsFaultOf(error);
  if (fault === 'throttled') return new Problem('throttled', 'Too many requests; retry later.', { 'Retry-After': FAULT_RETRY_AFTER });
  if (fault === 'unavailable')
    return new Problem('unavailable', 'The service is temporarily unavailable; retry.', { 'Retry-After': FAULT_RETRY_AFTER });
  return new Problem('internal', 'Internal error.');
}
