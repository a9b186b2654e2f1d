/**
 * The answers the gateway itself gives (no function ran), from the same table the CDK construct
 * configures as API Gateway gateway responses (functions/http/gateway-errors.ts).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorSpec, type GatewayErrorType } from '../functions/http/gateway-errors';
import { SCIM_CONTENT_TYPE } from '../functions/http/response';
import { Problem } from '../functions/admin-api/problems';

export function gatewayError(type: GatewayErrorType): APIGatewayProxyResult {
  const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
  return {
    statusCode: spec.status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...spec.headers },
    body: JSON.stringify(gatewayErrorBody(type)),
  };
}

/** The local admin gate's refusal: a problem, like every admin API error (functions/admin-api/problems.ts). */
export function adminUnauthorized(): APIGatewayProxyResult {
  const problem = new Problem('unauthorized', 'Send Authorization: Bearer <admin key> (npm start prints it).');
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', 'WWW-Authenticate': 'Bearer realm="admin"' },
    body: JSON.stringify(problem.toBody()),
  };
}
