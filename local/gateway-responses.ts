/**
 * The answers the gateway itself gives (no function ran): SCIM error bodies, like the gateway
 * responses the deployed API is configured with, so clients see one error format everywhere.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ScimError } from '../functions/scim/errors';
import { SCIM_CONTENT_TYPE } from '../functions/http/response';

export type GatewayErrorStatus = 401 | 403 | 404 | 413 | 500 | 502;

const DETAILS: Record<GatewayErrorStatus, string> = {
  401: 'Authentication required: send a valid bearer token.',
  403: 'The token is not valid for this resource.',
  404: 'No such endpoint.',
  413: 'The request body is too large.',
  500: 'Internal server error.',
  502: 'The function failed to answer.',
};

export function gatewayError(status: GatewayErrorStatus): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'Content-Type': SCIM_CONTENT_TYPE };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return { statusCode: status, headers, body: JSON.stringify(new ScimError(status, DETAILS[status]).toBody()) };
}
