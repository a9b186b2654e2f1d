/** SCIM HTTP responses: every body is `application/scim+json` (RFC 7644 §3.1). */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ScimError } from '../scim/scim-error';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** What a route returns; the handler wrapper turns it into an API Gateway result. */
export interface ScimResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export function toProxyResult(result: ScimResult): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  headers['Content-Type'] = SCIM_CONTENT_TYPE;
  return { statusCode: result.status, headers, body: JSON.stringify(result.body) };
}

export function errorResult(error: ScimError): ScimResult {
  const headers: Record<string, string> = { ...error.headers };
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return { status: error.status, body: error.toBody(), headers };
}
