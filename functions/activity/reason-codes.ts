/**
 * The stable reason codes of refused and failed requests: the ONE list (docs/activity.md shows it,
 * records and health carry these codes, operators and vendors alert on them). A code never changes
 * meaning; new ones are added here with their description (the token endpoint's client-assertion
 * codes stay in activity/refusal-reasons.ts, where their log contract lives, and are part of this list).
 */
import { TOKEN_REFUSAL_REASONS, type TokenRefusalReason } from './refusal-reasons';

export const REASON_CODES = {
  // Secret token (the authorizer)
  token_unknown: 'The bearer secret token matches no token of any tenant.',
  token_expired: 'A secret token used after its rotation overlap ended.',
  token_revoked: 'A secret token that was revoked.',
  // OAuth access token (the authorizer)
  jwt_malformed: 'The bearer access token is not a well-formed JWT of this service.',
  jwt_bad_signature: 'The access token signature does not verify with the signing key.',
  jwt_bad_algorithm: 'The access token is signed with another algorithm than ES256.',
  jwt_expired: 'The access token has expired.',
  jwt_not_yet_valid: 'The access token is not valid yet (iat/nbf in the future).',
  jwt_bad_audience: 'The access token was issued for another audience or tenant claim.',
  jwt_bad_claims: 'The access token lacks a claim or has one of the wrong form.',
  // Either credential
  credential_other_tenant: "A valid credential of another tenant was used on this tenant's URL (that credential is not named).",
  tenant_unknown: 'The credential names a tenant that does not exist.',
  tenant_disabled: 'The tenant is disabled.',
  tenant_paused: 'The tenant is paused.',
  // Token endpoint (client credentials)
  client_unknown: 'No client of this tenant has this client id.',
  client_revoked: 'The OAuth client was revoked (its tokens stop at the next authorization).',
  client_secret_mismatch: 'The client secret is not the current one nor the previous one within its rotation overlap.',
  client_auth_malformed: 'The client authentication (HTTP Basic or form) is malformed or missing.',
  invalid_request: 'The token request is malformed (content type, repeated or missing parameters, size).',
  unsupported_grant_type: 'A grant type other than client_credentials.',
  invalid_scope: 'A scope other than "scim".',
  rate_limited: "The tenant's token requests exceeded their per-minute limit (429).",
  // Client assertions (RFC 7523, workload identity federation): TOKEN_REFUSAL_REASONS below.
  // SCIM requests that reached a function and failed
  not_found: 'The resource or endpoint does not exist (404).',
  method_not_allowed: 'The endpoint does not serve this method (405).',
  uniqueness: 'A unique value (userName, displayName, externalId) is taken (409 uniqueness).',
  conflict: 'A concurrent change won (409).',
  precondition_failed: 'If-Match named another version (412).',
  invalid_request_body: 'The request is not valid SCIM (400, see scimType).',
  too_large: 'The request or resource is too large (413).',
  throttled: 'DynamoDB throttled the request (429, retried by the client).',
  unavailable: 'A dependency was unavailable (503, retried by the client).',
  server_error: 'An unexpected failure (500).',
  request_refused: 'Refused for another reason (see the status).',
} as const;

/**
 * Every reason code: these, and the token endpoint's own (client assertions, JWKS; defined by the
 * federation work in activity/refusal-reasons.ts, which its log lines carry).
 */
export type ReasonCode = keyof typeof REASON_CODES | TokenRefusalReason;

export const isReasonCode = (value: string): value is ReasonCode =>
  Object.hasOwn(REASON_CODES, value) || (TOKEN_REFUSAL_REASONS as readonly string[]).includes(value);

/** The reason of a SCIM request that failed with `status` (and `scimType` when it has one). */
export function reasonOfStatus(status: number, scimType?: string): ReasonCode {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 409) return scimType === 'uniqueness' ? 'uniqueness' : 'conflict';
  if (status === 412) return 'precondition_failed';
  if (status === 413) return 'too_large';
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  if (status === 401 || status === 403) return 'credential_other_tenant';
  if (status >= 500) return 'server_error';
  if (status === 400) return 'invalid_request_body';
  return 'request_refused';
}
