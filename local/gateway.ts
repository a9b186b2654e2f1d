/**
 * The local API Gateway: request → route (404; 405 for the token endpoint) → authorizer (401/403/503) → function → response.
 * `/admin/v1/...` goes to the admin function behind the admin key instead (401 problem+json without it).
 * The body size (413) is checked while reading the request, in server.ts.
 * A function that throws or answers something that is not a proxy result gives 502, as in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { authorizerGate } from './authorizer-gate';
import { tenantThrottle, type TenantThrottleSettings } from './tenant-throttle';
import { TOKEN_METHOD_NOT_ALLOWED } from '../functions/oauth/token-request';
import type { FunctionName } from '../functions/routes';
import { functionLoader, FunctionUnavailableError, lambdaContext, type FunctionOverrides } from './functions';
import { gatewayError } from './local-gateway-responses';
import {
  headerValue,
  matchMetadataPath,
  matchAdminApi,
  matchPublicRoute,
  matchRoute,
  matchTokenEndpoint,
  methodArn,
  toProxyEvent,
  type GatewayRequest,
} from './http-event';
import { bearsAdminKey } from './admin-key';
import { adminUnauthorized } from './local-gateway-responses';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface GatewayOptions {
  readonly functions?: FunctionOverrides;
  /** Authorizer result cache TTL; 0 disables the cache. */
  readonly authorizerCacheSeconds: number;
  /** The clock of that cache (milliseconds); tests pass one they move by hand. Default Date.now. */
  readonly authorizerClock?: () => number;
  /** Operator messages (why a 500/502 happened); never request data. */
  readonly log: (line: string) => void;
  /** Runs around each function invocation (the benchmark's handler CPU meter). */
  readonly aroundInvoke?: AroundInvoke;
  /** Emulate the per-tenant usage-plan throttle (local/tenant-throttle.ts). Default: none. */
  readonly tenantThrottle?: TenantThrottleSettings;
  /** The key `/admin/v1` requires as `Authorization: Bearer <key>` (local/admin-key.ts); absent: every admin request is refused. */
  readonly adminKey?: string;
}

export type AroundInvoke = <T>(functionName: string, invoke: () => Promise<T>) => Promise<T>;

export type Gateway = (request: GatewayRequest) => Promise<APIGatewayProxyResult>;

export function localGateway(options: GatewayOptions): Gateway {
  const functions = functionLoader(options.functions);
  const authorize = authorizerGate({
    invoke: async (event) => (await functions.authorizer())(event, lambdaContext('authorizer', randomUUID())),
    cacheSeconds: options.authorizerCacheSeconds,
    ...(options.authorizerClock ? { now: options.authorizerClock } : {}),
    onFailure: options.log,
  });

  const throttled = options.tenantThrottle ? tenantThrottle(options.tenantThrottle) : undefined;
  const invoke = async (name: FunctionName | 'token' | 'ssf' | 'admin', event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const handler = await functions.proxy(name);
      const context = lambdaContext(name, randomUUID());
      const result = await (options.aroundInvoke ? options.aroundInvoke(name, () => handler(event, context)) : handler(event, context));
      if (isProxyResult(result)) return result;
      options.log(`function ${name} returned something that is not an API Gateway proxy result`);
    } catch (error) {
      options.log(`function ${name} failed: ${describe(error)}`);
    }
    return gatewayError('INTEGRATION_FAILURE');
  };

  return async (request) => {
    // The Shared Signals routes (no authorizer); a method they do not serve reaches the function (405).
    const publicRoute = matchPublicRoute(request.rawPath);
    if (publicRoute) return invoke(publicRoute.route.function, toProxyEvent(request, publicRoute, {}));
    // The token endpoint has POST (the function) and no authorizer; every other method gets the API's
    // mock 405 with `Allow: POST` (lib/token-endpoint.ts).
    const tokenEndpoint = matchTokenEndpoint(request.rawPath);
    if (tokenEndpoint) {
      return request.method === 'POST' ? invoke('token', toProxyEvent(request, tokenEndpoint, {})) : tokenMethodNotAllowed();
    }
    // RFC 8414 metadata: GET only, no authorizer; another method is one API Gateway does not know.
    const metadata = matchMetadataPath(request.rawPath);
    if (metadata) {
      return request.method === 'GET' ? invoke('token', toProxyEvent(request, metadata, {})) : gatewayError('MISSING_AUTHENTICATION_TOKEN');
    }
    // The admin API: its own gate (IAM in AWS, the admin key here), never the SCIM authorizer.
    const admin = matchAdminApi(request.rawPath);
    if (admin) {
      if (!options.adminKey || !bearsAdminKey(headerValue(request.rawHeaders, 'authorization'), options.adminKey))
        return adminUnauthorized();
      return invoke('admin', toProxyEvent(request, admin, {}));
    }
    const match = matchRoute(request.rawPath);
    // API Gateway answers an unknown resource before any authorizer runs.
    if (!match) return gatewayError('MISSING_AUTHENTICATION_TOKEN');
    const decision = await authorize(headerValue(request.rawHeaders, 'authorization'), methodArn(request.method, request.rawPath));
    if (!decision.allowed) return gatewayError(decision.response);
    const tenantId = decision.authorizer.tenantId;
    if (throttled && typeof tenantId === 'string' && !throttled(tenantId)) return gatewayError('THROTTLED');
    return invoke(match.route.function, toProxyEvent(request, match, decision.authorizer));
  };
}

function tokenMethodNotAllowed(): APIGatewayProxyResult {
  const { status, headers, body } = TOKEN_METHOD_NOT_ALLOWED;
  return { statusCode: status, headers: { ...headers }, body: JSON.stringify(body) };
}

function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const { statusCode, body } = value as Record<string, unknown>;
  return (
    typeof statusCode === 'number' &&
    Number.isInteger(statusCode) &&
    statusCode >= 100 &&
    statusCode <= 599 &&
    (body === undefined || body === null || typeof body === 'string')
  );
}

/** An error's name and where it was thrown; its message may quote request data, so it is left out. */
function describe(error: unknown): string {
  if (error instanceof FunctionUnavailableError) return error.message;
  if (!(error instanceof Error)) return 'a non-Error value was thrown';
  const frame = error.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return frame ? `${error.name} ${frame.trim()}` : error.name;
}
