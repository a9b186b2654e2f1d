/** API Gateway gateway responses as SCIM errors, from the shared table in functions/http/gateway-errors.ts. */
import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorSpec, type GatewayErrorType } from '../functions/http/gateway-errors';
import { SCIM_CONTENT_TYPE } from '../functions/http/response';

export function addScimGatewayResponses(api: RestApi): void {
  for (const type of Object.keys(GATEWAY_ERRORS) as GatewayErrorType[]) {
    const spec: GatewayErrorSpec = GATEWAY_ERRORS[type];
    const headers = Object.fromEntries(
      Object.entries({ 'Content-Type': SCIM_CONTENT_TYPE, ...spec.headers }).map(([name, value]) => [name, `'${value}'`]),
    );
    const body = JSON.stringify(gatewayErrorBody(type));
    api.addGatewayResponse(`Gateway${type}`, {
      type: ResponseType.of(type),
      statusCode: String(spec.status),
      responseHeaders: headers,
      templates: { 'application/json': body, [SCIM_CONTENT_TYPE]: body },
    });
  }
}
