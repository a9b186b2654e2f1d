/**
 * The admin API's edge: an API Gateway proxy event under `/admin/v1` → the declared operation
 * (404/405 otherwise) → its JSON body read (415, 400) and validated against the declared schema
 * (400 with every failing path) → the handler → a JSON or RFC 9457 problem response. Authentication
 * happened before (AWS_IAM in API Gateway; the admin key on the local server). One log line per
 * request: operation, status, the caller's IAM identity when there is one; never bodies or secrets.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiBaseUrlOf } from '../commons/api-base-url';
import { logger } from '../commons/logger';
import { ADMIN_API_PATH } from '../routes';
import type { Db } from '../store/db';
import type { RateTiers } from '../tenants/rate-tier';
import { parseInput } from '../tenants/tenant-input';
import type { AdminOperation, AdminResult } from './operation';
import { Problem, toProblem, type ProblemName } from './problems';

export const ADMIN_BASE_PATH = ADMIN_API_PATH;
/** Problems any operation may answer: the gateway's (401/403/429) and retryable outages (503). */
export const COMMON_PROBLEMS: readonly ProblemName[] = ['unauthorized', 'forbidden', 'throttled', 'unavailable'];
/**
 * Problems of every operation below `/tenants/{tenantId}/`: the tenant unknown (404), or being deleted
 * (409 invalid-state: nothing of it is served from the DELETE's 202 on; commons/served-tenant.ts).
 */
export const TENANT_PART_PROBLEMS: readonly ProblemName[] = ['not-found', 'invalid-state'];
/** Problems of operations with a JSON body. */
export const BODY_PROBLEMS: readonly ProblemName[] = ['invalid-input', 'malformed-request', 'unsupported-media-type'];

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

interface Compiled {
  readonly operation: AdminOperation;
  readonly segments: readonly string[];
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, expected] of template.entries()) {
    const segment = actual[i] ?? '';
    if (segment === '') return undefined;
    if (isParameter(expected)) params[expected.slice(1, -1)] = segment;
    else if (segment !== expected) return undefined;
  }
  return params;
}

/** The path below `/admin/v1`, decoded per segment; undefined when it cannot be decoded. */
export function adminPathOf(event: Pick<APIGatewayProxyEvent, 'path' | 'pathParameters'>): string[] | undefined {
  const proxy = event.pathParameters?.proxy;
  if (proxy !== undefined) return proxy.split('/').filter((segment, i, all) => segment !== '' || i < all.length - 1);
  const at = event.path.indexOf(ADMIN_BASE_PATH);
  const rest = at === -1 ? event.path : event.path.slice(at + ADMIN_BASE_PATH.length);
  try {
    return rest
      .split('/')
      .slice(1)
      .map(decodeURIComponent)
      .filter((segment, i, all) => segment !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

export function adminRouter(operations: readonly AdminOperation[]) {
  // Literal segments before parameters, so `/tenants/{id}/tokens` never shadows a literal sibling.
  const parameters = (segments: readonly string[]) => segments.filter(isParameter).length;
  const compiled: Compiled[] = operations
    .map((operation) => ({ operation, segments: operation.path.split('/').slice(1) }))
    .sort((a, b) => parameters(a.segments) - parameters(b.segments));

  const find = (method: string, segments: readonly string[]) => {
    const matching = compiled
      .map((candidate) => ({ candidate, params: matchSegments(candidate.segments, segments) }))
      .filter((match): match is { candidate: Compiled; params: Record<string, string> } => match.params !== undefined);
    if (matching.length === 0) throw new Problem('not-found', 'No such admin endpoint.');
    const found = matching.find((match) => match.candidate.operation.method === method);
    if (!found) {
      const allow = [...new Set(matching.map((match) => match.candidate.operation.method))].join(', ');
      throw new Problem('method-not-allowed', `${method} is not supported here.`, { Allow: allow });
    }
    return { operation: found.candidate.operation, params: found.params };
  };

  return async (event: APIGatewayProxyEvent, deps: { readonly db: Db; readonly rateTiers: RateTiers }): Promise<APIGatewayProxyResult> => {
    let operationId = 'unknown';
    let result: AdminResult;
    try {
      const segments = adminPathOf(event);
      if (!segments) throw new Problem('not-found', 'No such admin endpoint.');
      const { operation, params } = find(event.httpMethod.toUpperCase(), segments);
      operationId = operation.operationId;
      const body = operation.requestBody ? parseInput(operation.requestBody, readJson(event)) : undefined;
      result = await operation.handle({
        ...deps,
        params,
        query: event.queryStringParameters ?? {},
        body,
        apiUrl: apiBaseUrlOf(event),
      } as never);
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) {
        const cause = error as { name?: string; message?: string } | null;
        logger.error('admin request failed', { operationId, errorName: cause?.name, errorMessage: cause?.message, status: problem.status });
      }
      result = { status: problem.status, body: problem.toBody(), headers: { ...problem.headers, 'Content-Type': PROBLEM_TYPE } };
    }
    logger.info('admin request', { operationId, status: result.status, caller: event.requestContext?.identity?.userArn ?? undefined });
    return toProxyResult(result);
  };
}

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

function readJson(event: APIGatewayProxyEvent): unknown {
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== JSON_TYPE && !type.endsWith('+json')) {
    throw new Problem('unsupported-media-type', `Send the body as ${JSON_TYPE}.`);
  }
  const text = event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') throw new Problem('malformed-request', 'A JSON object is required.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Problem('malformed-request', `The body is not JSON: ${error instanceof Error ? error.message : 'unparsable'}.`);
  }
}

function toProxyResult(result: AdminResult): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(result.headers ?? {}) };
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  headers['Content-Type'] ??= JSON_TYPE;
  return { statusCode: result.status, headers, body: JSON.stringify(result.body) };
}
