/**
 * OpenID Shared Signals Framework 1.0 transmitter metadata (§7.1): what a receiver reads at
 * `/.well-known/ssf-configuration` to learn the issuer, where the SETs' keys are (`jwks_uri`) and
 * which delivery methods exist. The per-tenant form (`/.well-known/ssf-configuration/tenants/<id>`)
 * also names the tenant's stream configuration endpoint (the admin API).
 */
import { POLL_METHOD, PUSH_METHOD } from './stream-config';

export const SSF_CONFIGURATION_PATH = '/.well-known/ssf-configuration';
export const JWKS_PATH = '/ssf/jwks.json';

export function transmitterMetadata(issuer: string, tenantId?: string): Record<string, unknown> {
  return {
    spec_version: '1_0',
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    delivery_methods_supported: [PUSH_METHOD, POLL_METHOD],
    ...(tenantId !== undefined ? { configuration_endpoint: `${issuer}/admin/v1/tenants/${tenantId}/event-streams` } : {}),
    // The poll endpoint takes the stream's poll credential as an RFC 6750 bearer token.
    authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }],
  };
}
