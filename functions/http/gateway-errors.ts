/**
 * The errors API Gateway answers itself, before or instead of a function (authorizer refusals,
 * throttling, unknown routes, timeouts), as SCIM error bodies. The CDK construct configures one
 * gateway response per type from this table and the local gateway answers with the same bodies,
 * so a client sees one error format everywhere.
 */
import { ScimError, type ScimErrorBody } from '../scim/errors';

export interface GatewayErrorSpec {
  readonly status: number;
  readonly detail: string;
  /** Extra headers, as literal values. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Keyed by API Gateway response type (AWS::ApiGateway::GatewayResponse ResponseType). */
export const GATEWAY_ERRORS = {
  UNAUTHORIZED: { status: 401, detail: 'Authentication required: send a valid bearer token.', headers: { 'WWW-Authenticate': 'Bearer' } },
  ACCESS_DENIED: { status: 403, detail: 'The token is not valid for this tenant.' },
  INVALID_API_KEY: { status: 403, detail: 'This tenant has no usage plan; onboard it by deploy.' },
  MISSING_AUTHENTICATION_TOKEN: { status: 404, detail: 'No such endpoint.' },
  RESOURCE_NOT_FOUND: { status: 404, detail: 'No such endpoint.' },
  REQUEST_TOO_LARGE: { status: 413, detail: 'The request body is too large.' },
  THROTTLED: { status: 429, detail: 'Too many requests: slow down and retry.', headers: { 'Retry-After': '1' } },
  QUOTA_EXCEEDED: { status: 429, detail: 'The request quota is exhausted: retry later.', headers: { 'Retry-After': '60' } },
  // Nearly always transient (DynamoDB throttling, a Lambda error): 503 + Retry-After makes Entra back off and retry.
  AUTHORIZER_FAILURE: { status: 503, detail: 'Authorization is temporarily unavailable; retry.', headers: { 'Retry-After': '1' } },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, detail: 'The authorizer is misconfigured.' },
  INTEGRATION_FAILURE: { status: 502, detail: 'The function failed to answer.' },
  INTEGRATION_TIMEOUT: { status: 504, detail: 'The request took too long; retry.' },
  DEFAULT_4XX: { status: 400, detail: 'The request was refused by the gateway.' },
  DEFAULT_5XX: { status: 500, detail: 'Internal server error.' },
} as const satisfies Record<string, GatewayErrorSpec>;

export type GatewayErrorType = keyof typeof GATEWAY_ERRORS;

export function gatewayErrorBody(type: GatewayErrorType): ScimErrorBody {
  const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
  return new ScimError(spec.status, spec.detail).toBody();
}
