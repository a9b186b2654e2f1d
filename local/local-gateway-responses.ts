/**
 * The answers the gateway itself gives (no function ran), from the same table the CDK construct
 * configures as API Gateway gateway responses (functions/http/gateway-errors.ts).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorSpec, type GatewayErrorType } from '../functions/http/gateway-errors';
import { SCIM_CONTENT_TYPE } from '../functions/http/response';

export function gatewayError(type: GatewayErrorType): APIGatewayProxyResult {
  const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
  return {
    statusCode: spec.status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...spec.headers },
    body: JSON.stringify(gatewayErrorBody(type)),
  };
}
