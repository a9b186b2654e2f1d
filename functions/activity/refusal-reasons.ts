/**
 * Why the token endpoint refused a client: stable reason codes, the one list of them. The response
 * never says which check failed (RFC 6749 §5.2 `invalid_client` for all of these); the reason goes
 * to the token function's log line (`reason`) and to the activity record, which key on these names.
 * Renaming one is a breaking change for log queries and alarms: add, do not rename.
 * The list is also written out in docs/federation.md and /work/notes/reason-codes.md.
 */
export const TOKEN_REFUSAL_REASONS = [
  /** No tenant by that id (or a malformed id). */
  'tenant_unknown',
  /** The tenant is disabled or paused: none of its credentials work. */
  'tenant_inactive',
  /** Client secret: unknown or revoked client, or a wrong secret (not told apart, on purpose). */
  'client_secret_invalid',
  /** Client assertion without a `client_id`: nothing picks the federated credential. */
  'assertion_no_client_id',
  /** No federated credential with that `client_id` in the tenant (never had one, or removed). */
  'assertion_unknown_client',
  /** Not a compact JWS with JSON header and claims. */
  'assertion_malformed',
  /** `alg` outside the allow-list (RS256, ES256): `none`, HMAC and everything else. */
  'assertion_bad_alg',
  /** The header names no `kid`. */
  'assertion_no_kid',
  /** The credential's JWKS URI is not HTTPS on an allowed host (checked again at use). */
  'jwks_host_not_allowed',
  /** The JWKS could not be fetched (down, slow, too large, not a JWKS) and no cached key answers. */
  'jwks_unavailable',
  /** The JWKS (fetched now, or recently enough) has no key with the assertion's `kid`. */
  'jwks_unknown_kid',
  /** The key with that `kid` does not fit the `alg`, or the signature does not verify. */
  'jwt_bad_signature',
  /** `exp` passed (beyond the clock skew), or left no lifetime for an access token. */
  'jwt_expired',
  /** `nbf` (or `iat`) is in the future beyond the clock skew. */
  'jwt_not_yet_valid',
  /** `iss`, `sub`, `aud` or `exp` is missing. */
  'jwt_missing_claim',
  /** `iss` is not exactly the credential's issuer. */
  'assertion_bad_issuer',
  /** `aud` is none of the credential's audiences. */
  'jwt_bad_audience',
  /** `sub` is not the credential's subject. */
  'assertion_bad_subject',
  /** The credential names an Entra tenant and `tid` differs (or is missing). */
  'assertion_bad_tenant',
] as const;

export type TokenRefusalReason = (typeof TOKEN_REFUSAL_REASONS)[number];
