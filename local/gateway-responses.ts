/**
 * The answers the gateway itself gives (no function ran), from the same table the CDK construct
 * configures as API Gateway gateway responses (functions/http/gateway-errors.ts).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorSpec, type GatewayErrorType } from '../functions/http/gateway-errors';
import { SCIM_CONTENT_TYPE } from '../functions/http/response';

export type GatewayErrorStatus = 401 | 403 | 404 | 413 | 500 | 502;

const TYPE_OF_STATUS: Record<GatewayErrorStatus, GatewayErrorType> = {
  401: 'UNAUTHORIZED',
  403: 'ACCESS_DENIED',
  404: 'MISSING_AUTHENTICATION_TOKEN',
  413: 'REQUEST_TOO_LARGE',
  500: 'AUTHORIZER_FAILURE',
  502: 'INTEGRATION_FAILURE',
};

export function gatewayError(status: GatewayErrorStatus): APIGatewayProxyResult {
  const type = TYPE_OF_STATUS[status];
  const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
  return {
    statusCode: spec.status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...spec.headers },
    body: JSON.stringify(gatewayErrorBody(type)),
  };
}
