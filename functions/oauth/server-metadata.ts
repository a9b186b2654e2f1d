/**
 * RFC 8414 authorization server metadata of a tenant's token endpoint: public (no credential), so
 * a client (Entra, an IPSIE AL1 client, a vendor's tooling) learns the token endpoint and that it
 * takes client secrets (post and Basic) and RFC 7523 client assertions (`private_key_jwt`). Served
 * by the token function at the RFC 8414 §3 location for the tenant's issuer and beside the tenant's
 * URLs. Built from the service's base URL (the custom domain, or the host called:
 * commons/api-base-url.ts) without reading the table: nothing in it is secret, and answering alike
 * for every well-formed tenant id tells nobody which tenants exist.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiBaseUrlOf } from '../commons/api-base-url';
import { AUTHORIZATION_SERVER_METADATA_PATHS } from '../routes';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id';
import { ASSERTION_ALGORITHMS } from '../federation/assertion-verifier';
import type { OAuthResponse } from './token-responses';

export const isMetadataRequest = (event: APIGatewayProxyEvent): boolean =>
  (AUTHORIZATION_SERVER_METADATA_PATHS as readonly string[]).includes(event.resource);

export function authorizationServerMetadata(apiRootUrl: string, tenantId: string): Record<string, unknown> {
  const issuer = `${apiRootUrl}/tenants/${tenantId}`;
  return {
    issuer,
    token_endpoint: `${issuer}/oauth2/token`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    scopes_supported: ['scim'],
    // No authorization endpoint: no response type is supported.
    response_types_supported: [],
    service_documentation: 'https://www.rfc-editor.org/rfc/rfc7523',
  };
}

/** GET: 200 with the metadata (cacheable); a malformed tenant id: 404; another method: 405. */
export function metadataResponse(event: APIGatewayProxyEvent): OAuthResponse {
  const json = { 'Content-Type': 'application/json;charset=UTF-8' };
  if (event.httpMethod !== 'GET') {
    return { status: 405, headers: { ...json, Allow: 'GET' }, body: { error: 'invalid_request', error_description: 'Use GET.' } };
  }
  const tenantId = event.pathParameters?.tenantId;
  if (tenantId === undefined || !TENANT_ID_PATTERN.test(tenantId)) {
    return { status: 404, headers: json, body: { error: 'not_found', error_description: 'No such tenant.' } };
  }
  return {
    status: 200,
    headers: { ...json, 'Cache-Control': 'public, max-age=3600' },
    body: authorizationServerMetadata(apiBaseUrlOf(event), tenantId),
  };
}
