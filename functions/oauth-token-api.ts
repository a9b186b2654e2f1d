/**
 * Lambda entry: `POST /tenants/{tenantId}/oauth2/token`, the OAuth 2.0 token endpoint (client
 * credentials, with a client secret or an RFC 7523 client assertion), and `GET` of the tenant's
 * RFC 8414 metadata (functions/oauth/server-metadata.ts). Not behind the SCIM authorizer: it
 * authenticates the client itself (functions/oauth/token-responses.ts). Logs one line per token
 * request: tenant, client id, method, outcome, and a refusal's reason code.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { environment } from './commons/environment';
import { logger } from './commons/logger';
import { isMetadataRequest, metadataResponse } from './oauth/server-metadata';
import { defaultSigner } from './signing/signer';
import { TOKEN_METHOD_NOT_ALLOWED } from './oauth/token-request';
import { handleTokenRequest, type OAuthResponse } from './oauth/token-responses';
import { defaultDb } from './store/db';

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

const toResult = (response: OAuthResponse): APIGatewayProxyResult => ({
  statusCode: response.status,
  headers: response.headers,
  body: JSON.stringify(response.body),
});

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (isMetadataRequest(event)) return toResult(metadataResponse(event));
  if (event.httpMethod !== 'POST') {
    return toResult(TOKEN_METHOD_NOT_ALLOWED);
  }
  const body = event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    const { response, log } = await handleTokenRequest(
      {
        db: defaultDb(),
        signer: defaultSigner(),
        issuer: environment.oauthIssuer(),
        requestsPerMinute: environment.oauthTokenRequestsPerMinute(),
        failuresPerMinute: environment.oauthFailedAuthenticationsPerMinute(),
        request: {
          requestId: event.requestContext.requestId,
          ...(header(event, 'user-agent') !== undefined ? { userAgent: header(event, 'user-agent') as string } : {}),
        },
      },
      event.pathParameters?.tenantId,
      {
        contentType: header(event, 'content-type'),
        authorization: header(event, 'authorization'),
        body,
        ...(event.requestContext?.identity?.sourceIp ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
      },
    );
    logger.info('token request', { ...log });
    return toResult(response);
  } catch (error) {
    // DynamoDB or KMS unavailable: a retryable 503 in OAuth's shape, never a 500 with details.
    logger.error('token request failed', { errorName: error instanceof Error ? error.name : 'unknown' });
    return toResult({
      status: 503,
      headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', 'Retry-After': '1' },
      body: { error: 'temporarily_unavailable', error_description: 'The token service is unavailable; retry.' },
    });
  }
}
