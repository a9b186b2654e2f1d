/**
 * The CloudWatch dashboard of a ScimEndpoint (issue #26; prop `dashboard`, default on): requests,
 * errors and latency of the API, then one row per function (invocations, errors, throttles, p99
 * duration) and, for the stream consumers, how far behind the stream they are and what reached the
 * failed-batch bucket: the figures the runbook in docs/operations.md asks for first.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);
const sum = { period: PERIOD, statistic: 'Sum' } as const;
const WIDTH = 6;

export class ScimDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, api: apigateway.RestApi) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-scim`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# SCIM API\nRunbook: docs/operations.md', width: 24, height: 1 }),
      graph('Requests', [api.metricCount(sum)]),
      graph('Errors', [api.metricClientError(sum), api.metricServerError(sum)]),
      graph('Latency', [
        api.metricLatency({ period: PERIOD, statistic: 'p50' }),
        api.metricLatency({ period: PERIOD, statistic: 'p99' }),
        api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99' }),
      ]),
      graph('Throttled and refused', [
        new cloudwatch.Metric({ namespace: 'ScimServerless', metricName: 'Throttled', label: '429', ...sum }),
        new cloudwatch.Metric({ namespace: 'ScimServerless', metricName: 'Unauthorized', label: '401', ...sum }),
      ]),
    );
  }

  /** A row for one function. */
  addFunction(name: string, fn: lambda.IFunction): void {
    this.dashboard.addWidgets(
      graph(`${name}: invocations`, [fn.metricInvocations(sum)]),
      graph(`${name}: errors and throttles`, [fn.metricErrors(sum), fn.metricThrottles(sum)]),
      graph(`${name}: duration`, [
        fn.metricDuration({ period: PERIOD, statistic: 'p50' }),
        fn.metricDuration({ period: PERIOD, statistic: 'p99' }),
      ]),
      graph(`${name}: concurrency`, [fn.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum' })]),
    );
  }

  /** A row for a stream consumer: its function figures and the delivery of its batches. */
  addStreamConsumer(name: string, fn: lambda.IFunction, eventSourceMappingId: string): void {
    this.addFunction(name, fn);
    const mapping = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        label,
        dimensionsMap: { EventSourceMappingUUID: eventSourceMappingId },
        ...sum,
      });
    this.dashboard.addWidgets(
      graph(`${name}: iterator age (ms)`, [fn.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' })]),
      graph(`${name}: stream records`, [
        mapping('PolledEventCount', 'polled'),
        mapping('InvokedEventCount', 'invoked'),
        mapping('FilteredOutEventCount', 'filtered out'),
      ]),
      graph(`${name}: failed records`, [
        mapping('OnFailureDestinationDeliveredEventCount', 'stored for redrive'),
        mapping('DroppedEventCount', 'dropped'),
      ]),
    );
  }
}

const graph = (title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget =>
  new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: 6 });
