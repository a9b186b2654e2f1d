/**
 * The errors API Gateway answers itself, before or instead of a function (authorizer refusals,
 * throttling, unknown routes, timeouts), as SCIM error bodies. The CDK construct configures one
 * gateway response per type from this table and the local gateway answers with the same bodies,
 * so a client sees one error format everywhere.
 */
import { ScimError, type ScimErrorBody } from '../scim/scim-error';

export interface GatewayErrorSpec {
  readonly status: number;
  readonly detail: string;
  /** Extra headers, as literal values. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Keyed by API Gateway response type (AWS::ApiGateway::GatewayResponse ResponseType): every type
 * API Gateway documents except DEFAULT_4XX and DEFAULT_5XX. Those two are not configured: a status
 * code on them would replace the status of every unconfigured 4XX/5XX type (a WAF 403 or a 415 would
 * become 400), and with every type listed here they have nothing left to cover.
 */
export const GATEWAY_ERRORS = {
  UNAUTHORIZED: { status: 401, detail: 'Authentication required: send a valid bearer token.', headers: { 'WWW-Authenticate': 'Bearer' } },
  ACCESS_DENIED: { status: 403, detail: 'The token is not valid for this tenant.' },
  // Every tenant has a usage plan (its own or the shared default); this means the stack is broken.
  INVALID_API_KEY: { status: 403, detail: "No usage plan covers this tenant's usage key: redeploy the stack." },
  EXPIRED_TOKEN: { status: 403, detail: 'The request signature has expired.' },
  INVALID_SIGNATURE: { status: 403, detail: 'The request signature is not valid.' },
  WAF_FILTERED: { status: 403, detail: 'The request was blocked by the web application firewall.' },
  MISSING_AUTHENTICATION_TOKEN: { status: 404, detail: 'No such endpoint.' },
  RESOURCE_NOT_FOUND: { status: 404, detail: 'No such endpoint.' },
  BAD_REQUEST_PARAMETERS: { status: 400, detail: 'The request parameters are not valid.' },
  BAD_REQUEST_BODY: { status: 400, detail: 'The request body is not valid.' },
  REQUEST_TOO_LARGE: { status: 413, detail: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, detail: 'Unsupported media type: send application/scim+json.' },
  THROTTLED: { status: 429, detail: 'Too many requests: slow down and retry.', headers: { 'Retry-After': '1' } },
  QUOTA_EXCEEDED: { status: 429, detail: 'The request quota is exhausted: retry later.', headers: { 'Retry-After': '60' } },
  // The authorizer threw (a DynamoDB fault, a Lambda error): API Gateway answers
  // AUTHORIZER_CONFIGURATION_ERROR for that, and AUTHORIZER_FAILURE when it cannot use the result.
  // Nearly always transient: 503 + Retry-After makes provisioning clients back off and retry instead of quarantining the job.
  AUTHORIZER_CONFIGURATION_ERROR: {
    status: 503,
    detail: 'Authorization is temporarily unavailable; retry.',
    headers: { 'Retry-After': '1' },
  },
  AUTHORIZER_FAILURE: { status: 503, detail: 'Authorization is temporarily unavailable; retry.', headers: { 'Retry-After': '1' } },
  API_CONFIGURATION_ERROR: { status: 500, detail: 'Internal server error.' },
  INTEGRATION_FAILURE: { status: 502, detail: 'The function failed to answer.' },
  INTEGRATION_TIMEOUT: { status: 504, detail: 'The request took too long; retry.' },
} as const satisfies Record<string, GatewayErrorSpec>;

export type GatewayErrorType = keyof typeof GATEWAY_ERRORS;

export function gatewayErrorBody(type: GatewayErrorType): ScimErrorBody {
  const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
  return new ScimError(spec.status, spec.detail).toBody();
}
