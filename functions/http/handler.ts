/**
 * The middy pipeline every SCIM Lambda shares: header normalisation, JSON bodies on writes,
 * request logs and metrics, SCIM errors. A function only declares its routes.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ScimError } from '../scim/scim-error';
import { jsonBodyOnWrites } from './body';
import { scimErrors } from './error-responses';
import { requestLog } from './observability';
import { activityLog, scopeOf } from './activity-log';
import { runInScope } from '../commons/request-scope';
import { operationOf, routeOf, toScimRequest, type ScimRequest } from './request';
import { toProxyResult, type ScimResult } from './response';

export type RouteHandler = (request: ScimRequest) => Promise<ScimResult>;
/** Keys are `METHOD /Route`, with the route as in functions/routes.ts, e.g. `GET /Users/{id}`. */
export type RouteTable = Readonly<Record<string, RouteHandler>>;

export function scimHandler(table: RouteTable) {
  const dispatch = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const route = table[operationOf(event)];
    const request = await toScimRequest(event);
    if (!route) throw methodNotAllowed(table, event);
    // The store stamps what this request writes with its scope (who, which request): the activity log.
    return toProxyResult(await runInScope(scopeOf(event, request.tenantId, operationOf(event)), () => route(request)));
  };
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(dispatch)
    .use(httpHeaderNormalizer())
    .use(servedMethodsOnly(table))
    .use(jsonBodyOnWrites())
    .use(activityLog(operationOf))
    .use(requestLog(operationOf))
    .use(scimErrors());
}

/**
 * A method the route does not serve is 405 with Allow before the body is read: what a client sent
 * to the wrong method (`POST /Schemas` with the body `test`) is not worth a 400 about its syntax.
 */
function servedMethodsOnly(table: RouteTable): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      if (table[operationOf(request.event)]) return;
      // The tenant boundary (401/403) and a paused tenant's 503 still come first. Awaited: unawaited,
      // its refusal was an unhandled rejection and the client got the 405.
      await toScimRequest(request.event);
      throw methodNotAllowed(table, request.event);
    },
  };
}

function methodNotAllowed(table: RouteTable, event: APIGatewayProxyEvent): ScimError {
  const route = routeOf(event);
  const allowed = Object.keys(table)
    .filter((key) => key.slice(key.indexOf(' ') + 1) === route)
    .map((key) => key.slice(0, key.indexOf(' ')));
  if (allowed.length === 0) return new ScimError(404, `No such endpoint: ${route}.`);
  return new ScimError(405, `${event.httpMethod} is not supported on ${route}.`, undefined, { Allow: allowed.join(', ') });
}
