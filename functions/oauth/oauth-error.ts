/**
 * What the token service throws when it refuses a token request: an RFC 6749 §5.2 error code, the
 * status it is answered with, and what the answer, the log line and the activity record say of it.
 * It is a ServiceError of the one hierarchy (commons/service-errors.ts), its kind following from the
 * code; the token endpoint's edge (token-responses.ts, handleTokenRequest) turns it into the answer.
 */
import type { ReasonCode } from '../activity/reason-codes';
import { ServiceError, type ServiceErrorKind } from '../commons/service-errors';
import type { TokenRefusalReason } from '../activity/refusal-reasons';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'temporarily_unavailable';

/** What a refusal logs and records besides its code: the log's reason, and the activity record's finer one and client. */
export interface RefusalDetails {
  /** The client it names, when that is a real client (the log line). */
  readonly clientId?: string;
  readonly reason?: TokenRefusalReason;
  readonly activity?: ReasonCode;
  readonly activityClientId?: string;
  /** Seconds, for a 429 or 503 (`Retry-After`). */
  readonly retryAfter?: number;
  /** The client authenticated with HTTP Basic: a 401 carries `WWW-Authenticate: Basic`. */
  readonly basic?: boolean;
}

const kindOf = (code: OAuthErrorCode, status: number): ServiceErrorKind => {
  if (code === 'invalid_client') return 'unauthorized';
  if (code === 'temporarily_unavailable') return status === 429 ? 'throttled' : 'unavailable';
  return 'invalid-input';
};

export class OAuthError extends ServiceError {
  readonly kind: ServiceErrorKind;

  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    readonly status: number,
    readonly details: RefusalDetails = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.kind = kindOf(code, status);
  }
}

export const invalidRequest = (description: string, status = 400): OAuthError => new OAuthError('invalid_request', description, status);

/** Every failed client authentication, whatever failed (the reason goes to the log and the activity record only). */
export const invalidClient = (basic: boolean, details: RefusalDetails = {}): OAuthError =>
  new OAuthError('invalid_client', 'Client authentication failed.', 401, { basic, ...details });
