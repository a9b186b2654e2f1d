/**
 * The one hierarchy of errors the admin services (tenants, credentials, and what other features add
 * behind the admin API, and the OAuth token service: oauth/oauth-error.ts) throw for a caller's
 * mistake or for a refusal. Each names its `kind`; the admin HTTP edge maps kinds to RFC 9457
 * problem types (functions/admin-api/problems.ts), the token endpoint's edge to RFC 6749 §5.2 answers
 * (oauth/token-responses.ts), and the CLI to exit codes. Anything else a service throws is a fault,
 * never the caller's.
 */
import { errorNamed } from './error-named';
export type ServiceErrorKind =
  | 'invalid-input'
  | 'invalid-cursor'
  | 'unauthorized'
  | 'not-found'
  | 'already-exists'
  | 'limit-reached'
  | 'invalid-state'
  | 'throttled'
  | 'unavailable';

/** One failing member of a request, e.g. `settings.requiredAttributes.User[0]`. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export abstract class ServiceError extends Error {
  abstract readonly kind: ServiceErrorKind;
}

/** The input breaks a rule: every failing path is named. */
export class InvalidInput extends ServiceError {
  readonly kind = 'invalid-input';
  constructor(
    readonly issues: readonly InputIssue[],
    message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '),
  ) {
    super(message);
  }
}

/** A paging cursor this service did not issue, or one that expired. */
export class InvalidCursor extends ServiceError {
  readonly kind = 'invalid-cursor';
}

export class NotFound extends ServiceError {
  readonly kind = 'not-found';
}

/** The id is taken. */
export class AlreadyExists extends ServiceError {
  readonly kind = 'already-exists';
}

/** A per-owner limit (e.g. two active tokens per tenant) is reached. */
export class LimitReached extends ServiceError {
  readonly kind = 'limit-reached';
}

/** The target is in a state that does not allow the operation (e.g. a tenant being deleted). */
export class InvalidState extends ServiceError {
  readonly kind = 'invalid-state';
}

export const isServiceError = (error: unknown): error is ServiceError => error instanceof ServiceError;

export const isConditionFailure = (error: unknown): boolean => errorNamed(error, 'ConditionalCheckFailedException');
