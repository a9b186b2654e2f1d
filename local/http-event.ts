/**
 * Turns a raw HTTP request into the API Gateway REST (v1) proxy event the Lambda handlers receive in
 * AWS, so a handler cannot tell the local server from the deployed API. What API Gateway does, and
 * we mirror:
 *  - routing: the resource tree from functions/routes.ts; at each level a literal segment
 *    (`.search`) beats a `{param}`; paths are case-sensitive;
 *  - `path` keeps the client's percent-encoding, `pathParameters` are decoded;
 *  - query strings are form-decoded (`+` is a space: aws/aws-cdk#19827 shows `sort=-+createdAt`
 *    arriving as `"- createdAt"` in both query maps); the single-value maps keep the last value;
 *  - without binaryMediaTypes (our API declares none) a body is passed as UTF-8 text,
 *    isBase64Encoded false, null when empty;
 *  - X-Forwarded-For/-Port/-Proto are set by the gateway.
 * The local API has no stage in its URLs (like a custom domain with an empty base path), so
 * requestContext.path is the path as called; the stage name is `local`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  AUTHORIZATION_SERVER_METADATA_PATHS,
  ADMIN_API_PATH,
  publicRoutes,
  routes,
  TENANT_BASE_PATH,
  TOKEN_ENDPOINT_PATH,
  type PublicRoute,
  type Route,
} from '../functions/routes';

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_API_ID = 'local';
export const LOCAL_STAGE = 'local';

export interface RouteMatch {
  readonly route: Route;
  /** The API Gateway resource, e.g. `/tenants/{tenantId}/scim/v2/Users/{id}`. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** The request as it reached the gateway. */
export interface GatewayRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query string. */
  readonly rawPath: string;
  /** Everything after `?`, or ''. */
  readonly rawQuery: string;
  /** Node's `rawHeaders`: name, value, name, value…, names in the client's case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly serverPort: number;
  readonly requestId: string;
  readonly receivedAt: Date;
}

interface CompiledRoute {
  readonly route: Route;
  readonly resource: string;
  readonly segments: readonly string[];
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/** Literal before parameter at the first segment where two resources differ. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const aParam = isParameter(a.segments[i] ?? '');
    const bParam = isParameter(b.segments[i] ?? '');
    if (aParam !== bParam) return aParam ? 1 : -1;
  }
  return a.segments.length - b.segments.length;
}

const compiledRoutes: readonly CompiledRoute[] = routes
  .map((route) => {
    const resource = TENANT_BASE_PATH + route.path;
    return { route, resource, segments: resource.split('/').slice(1) };
  })
  .sort(bySpecificity);

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function matchRoute(rawPath: string): RouteMatch | undefined {
  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  // API Gateway REST routes `/Users/` to the `/Users` resource: one trailing slash is no segment.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  for (const candidate of compiledRoutes) {
    const pathParameters = matchSegments(candidate.segments, segments);
    if (pathParameters) return { route: candidate.route, resource: candidate.resource, pathParameters };
  }
  return undefined;
}

const tokenEndpointSegments = TOKEN_ENDPOINT_PATH.split('/').slice(1);

/** A public route (functions/routes.ts `publicRoutes`: no authorizer), with its resource and parameters. */
export function matchPublicRoute(rawPath: string): (Pick<RouteMatch, 'resource' | 'pathParameters'> & { route: PublicRoute }) | undefined {
  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  for (const route of publicRoutes) {
    const pathParameters = matchSegments(route.path.split('/').slice(1), segments);
    if (pathParameters) return { route, resource: route.path, pathParameters };
  }
  return undefined;
}

/** The token endpoint's resource (it has no Route: no authorizer, POST only). */
export function matchTokenEndpoint(rawPath: string): Pick<RouteMatch, 'resource' | 'pathParameters'> | undefined {
  const pathParameters = matchSegments(tokenEndpointSegments, rawPath.split('/').slice(1).map(decodeSegment));
  return pathParameters ? { resource: TOKEN_ENDPOINT_PATH, pathParameters } : undefined;
}

/** One of the RFC 8414 metadata paths (no authorizer, GET only: lib/token-endpoint.ts). */
export function matchMetadataPath(rawPath: string): Pick<RouteMatch, 'resource' | 'pathParameters'> | undefined {
  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  for (const resource of AUTHORIZATION_SERVER_METADATA_PATHS) {
    const pathParameters = matchSegments(resource.split('/').slice(1), segments);
    if (pathParameters) return { resource, pathParameters };
  }
  return undefined;
}

/** `/admin/v1/...`: API Gateway's greedy `{proxy+}` resource, the rest of the path decoded. */
export function matchAdminApi(rawPath: string): Pick<RouteMatch, 'resource' | 'pathParameters'> | undefined {
  const prefix = `${ADMIN_API_PATH}/`;
  if (!rawPath.startsWith(prefix) || rawPath.length === prefix.length) return undefined;
  const proxy = decodeSegment(rawPath.slice(prefix.length));
  return proxy === undefined ? undefined : { resource: `${ADMIN_API_PATH}/{proxy+}`, pathParameters: { proxy } };
}

function matchSegments(template: readonly string[], segments: readonly (string | undefined)[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [i, expected] of template.entries()) {
    const actual = segments[i];
    if (actual === undefined || actual === '') return undefined;
    if (isParameter(expected)) parameters[expected.slice(1, -1)] = actual;
    else if (actual !== expected) return undefined;
  }
  return parameters;
}

type QueryMaps = Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>;

export function queryMaps(rawQuery: string): QueryMaps {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  const empty = Object.keys(single).length === 0;
  return { queryStringParameters: empty ? null : single, multiValueQueryStringParameters: empty ? null : multi };
}

type HeaderMaps = Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>;

export function headerMaps(rawHeaders: readonly string[]): HeaderMaps {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/** Case-insensitive header lookup (last value wins, as in `headers`). */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name.toLowerCase()) found = rawHeaders[i + 1];
  }
  return found;
}

/** The headers as the gateway forwards them: client-sent X-Forwarded-Port/-Proto replaced, the client IP appended to X-Forwarded-For. */
export function forwardedHeaders(request: Pick<GatewayRequest, 'rawHeaders' | 'sourceIp' | 'serverPort'>): string[] {
  const replaced = new Set(['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']);
  const kept: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    if (!replaced.has(name.toLowerCase())) kept.push(name, request.rawHeaders[i + 1] as string);
  }
  const forwardedFor = headerValue(request.rawHeaders, 'x-forwarded-for');
  return [
    ...kept,
    'X-Forwarded-For',
    forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp,
    'X-Forwarded-Port',
    String(request.serverPort),
    'X-Forwarded-Proto',
    'http',
  ];
}

/** The methodArn a TOKEN authorizer receives: the request path, not the resource template. */
export function methodArn(method: string, rawPath: string): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_API_ID}/${LOCAL_STAGE}/${method}/${rawPath.replace(/^\//, '')}`;
}

/** Text body as API Gateway passes it without binary media types; invalid UTF-8 becomes U+FFFD. */
export function bodyText(body: Buffer): string | null {
  return body.length === 0 ? null : body.toString('utf8');
}

export function toProxyEvent(
  request: GatewayRequest,
  match: Pick<RouteMatch, 'resource' | 'pathParameters'>,
  authorizer: Readonly<Record<string, unknown>>,
): APIGatewayProxyEvent {
  const rawHeaders = forwardedHeaders(request);
  const host = headerValue(rawHeaders, 'host') ?? `localhost:${request.serverPort}`;
  return {
    resource: match.resource,
    path: request.rawPath,
    httpMethod: request.method,
    ...headerMaps(rawHeaders),
    ...queryMaps(request.rawQuery),
    pathParameters: { ...match.pathParameters },
    stageVariables: null,
    body: bodyText(request.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      authorizer: { ...authorizer },
      domainName: host,
      domainPrefix: host.split('.')[0],
      extendedRequestId: request.requestId,
      httpMethod: request.method,
      identity: identity(request.sourceIp, headerValue(rawHeaders, 'user-agent')),
      path: request.rawPath,
      protocol: 'HTTP/1.1',
      requestId: request.requestId,
      requestTime: requestTime(request.receivedAt),
      requestTimeEpoch: request.receivedAt.getTime(),
      resourceId: LOCAL_API_ID,
      resourcePath: match.resource,
      stage: LOCAL_STAGE,
    },
  };
}

function identity(sourceIp: string, userAgent: string | undefined): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent: userAgent ?? null,
    userArn: null,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestTime` format: `09/Apr/2015:12:34:56 +0000`. */
function requestTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
