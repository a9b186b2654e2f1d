/**
 * Lambda entry: the public Shared Signals routes (functions/routes.ts `publicRoutes`), not behind
 * the SCIM authorizer: transmitter metadata, the SETs' JWKS, and each poll stream's RFC 8936 poll
 * endpoint (which checks the stream's own poll credential). Logs tenant, stream and status only.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { environment } from './commons/environment';
import { logger } from './commons/logger';
import { poll, MAX_WAIT_MS } from './events/poll-service';
import { eventJwks, eventSigner } from './events/set-signer';
import { JWKS_PATH, SSF_CONFIGURATION_PATH, transmitterMetadata } from './events/ssf-metadata';
import { defaultDb } from './store/db';

const JSON_TYPE = 'application/json';
/** Leave this much of the function's time for answering after a long poll. */
const ANSWER_MARGIN_MS = 3_000;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

const notAllowed = (allow: string) => json(405, { err: 'invalid_request', description: `Use ${allow}.` }, { Allow: allow });

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  const issuer = environment.ssfIssuer();
  const { tenantId, streamId } = event.pathParameters ?? {};
  try {
    if (event.resource === SSF_CONFIGURATION_PATH || event.resource === `${SSF_CONFIGURATION_PATH}/tenants/{tenantId}`) {
      return event.httpMethod === 'GET'
        ? json(200, transmitterMetadata(issuer, tenantId), { 'Cache-Control': 'max-age=300' })
        : notAllowed('GET');
    }
    if (event.resource === JWKS_PATH) {
      return event.httpMethod === 'GET' ? json(200, await eventJwks(eventSigner()), { 'Cache-Control': 'max-age=300' }) : notAllowed('GET');
    }
    if (event.httpMethod !== 'POST') return notAllowed('POST');
    if (!tenantId || !streamId) return json(404, { err: 'invalid_request', description: 'No such stream.' });
    const body = event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const remaining = context ? context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : MAX_WAIT_MS;
    const answer = await poll(
      defaultDb(),
      { tenantId, streamId, authorization: header(event, 'authorization'), body },
      { maxWaitMs: remaining },
    );
    logger.info('poll', { tenantId, streamId, status: answer.status });
    return json(answer.status, answer.body, answer.headers);
  } catch (error) {
    logger.error('ssf request failed', { tenantId, streamId, errorName: error instanceof Error ? error.name : 'unknown' });
    return json(503, { err: 'temporarily_unavailable', description: 'Retry later.' }, { 'Retry-After': '1' });
  }
}
