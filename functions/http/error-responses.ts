/**
 * Maps everything a request can fail with to a SCIM error response (RFC 7644 §3.12):
 * ScimErrors as they are, middy's body-parser errors to 400 invalidSyntax, DynamoDB throttling to
 * 429 and service faults to 503 (both with Retry-After, so provisioning clients back off instead of quarantining),
 * and anything else to a logged 500 that reveals nothing.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awsFaultOf, FAULT_RETRY_AFTER } from '../commons/aws-faults';
import { ScimError, isScimError } from '../scim/scim-error';
import { errorResult, toProxyResult } from './response';
import { logger } from './observability';

interface HttpLikeError {
  readonly name?: string;
  readonly statusCode?: number;
  readonly expose?: boolean;
  readonly message?: string;
}

export function toScimError(error: unknown): ScimError {
  if (isScimError(error)) return error;
  const fault = awsFaultOf(error);
  if (fault === 'throttled') return new ScimError(429, 'Too many requests; retry later.', undefined, { 'Retry-After': FAULT_RETRY_AFTER });
  if (fault === 'unavailable') {
    return new ScimError(503, 'The service is temporarily unavailable; retry later.', undefined, { 'Retry-After': FAULT_RETRY_AFTER });
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  // middy's http errors (body parser): 415/422 for unparsable bodies.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && e.expose !== false) {
    return new ScimError(400, `The request body is not valid JSON${e.message ? `: ${e.message}` : ''}.`, 'invalidSyntax');
  }
  return new ScimError(500, 'Internal server error.');
}

export function scimErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const error = toScimError(request.error);
      if (error.status >= 500) {
        const cause = request.error as { name?: string; message?: string } | undefined;
        // Error names and messages from the SDK or our code carry no request data.
        logger.error('request failed', { errorName: cause?.name, errorMessage: cause?.message, status: error.status });
      }
      request.response = toProxyResult(errorResult(error));
    },
  };
}
