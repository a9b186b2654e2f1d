/**
 * Structured logs and EMF metrics, one record per request: tenantId, requestId, operation, status,
 * latency. Never headers, bodies, tokens or attribute values (ids only).
 * Tenant goes into metric metadata, not a dimension, so metric cardinality does not grow with tenants.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { environment } from '../commons/environment';
import { logger } from '../commons/logger';

export { logger };
/** The function's one Metrics instance: one EMF record per request. */
export const metrics = new Metrics({ namespace: environment.metricsNamespace(), serviceName: environment.serviceName() });

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** `operation` names the route (e.g. `GET /Users/{id}`), from the event alone. */
export function requestLog(operation: (event: APIGatewayProxyEvent) => string): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const started = new WeakMap<object, number>();
  const finish = (event: APIGatewayProxyEvent, status: number, requestId: string) => {
    const latencyMs = Date.now() - (started.get(event) ?? Date.now());
    const tenantId = event.pathParameters?.tenantId;
    const op = operation(event);
    logger.info('request', { tenantId, requestId, operation: op, status, latencyMs });
    metrics.addDimensions({ operation: op, statusClass: statusClass(status) });
    if (tenantId) metrics.addMetadata('tenantId', tenantId);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('Latency', MetricUnit.Milliseconds, latencyMs);
    metrics.publishStoredMetrics();
  };
  return {
    before: async (request) => {
      started.set(request.event, Date.now());
    },
    after: async (request) => {
      finish(request.event, request.response?.statusCode ?? 200, request.context.awsRequestId);
    },
    onError: async (request) => {
      // Runs after the error mapper has set the SCIM error response.
      finish(request.event, request.response?.statusCode ?? 500, request.context.awsRequestId);
    },
  };
}
