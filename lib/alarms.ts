/**
 * Alarms that reach someone (issue #26). An SNS topic is created by default (or an existing one is
 * used), an email address can be subscribed to it, and EVERY CloudWatch alarm of the stack notifies
 * it, including alarms other constructs add later: an aspect wires each alarm that has no action
 * to the topic when the stack is synthesized. Each alarm's description names its runbook entry in
 * docs/operations.md (test/cdk/alarms.test.ts checks that the entry exists).
 */
import { Aspects, Duration, Stack, type IAspect } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlarmProps {
  /** Subscribed to the alarm topic (the address confirms the subscription by email). @default none */
  readonly alarmEmail?: string;
  /** Notify this topic instead of creating one. @default a new topic */
  readonly alarmTopic?: sns.ITopic;
  /** The same by ARN (`-c alarmTopicArn=`). */
  readonly alarmTopicArn?: string;
  /** Further actions on every alarm (e.g. an incident tool's SNS topic). @default none */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /** 401 answers in 5 minutes that count as a spike (credential stuffing, an expired secret). @default 100 */
  readonly unauthorizedPerFiveMinutes?: number;
  /** p99 latency of the API, in ms, held for 15 minutes. @default 5000 */
  readonly latencyP99Ms?: number;
  /** Age of the oldest unprocessed stream record, in minutes. @default 15 */
  readonly iteratorAgeMinutes?: number;
}

/** What the alarms watch. */
export interface AlarmTargets {
  readonly api: apigateway.RestApi;
  readonly accessLogs: logs.ILogGroup;
  readonly table: dynamodb.ITable;
}

export const RUNBOOK = 'docs/operations.md';
/** The runbook anchors alarm descriptions link to (the headings of docs/operations.md, slugged). */
export const RUNBOOK_ENTRIES = [
  'api-5xx',
  'api-throttled',
  'unauthorized-spike',
  'latency-p99',
  'function-errors',
  'function-throttles',
  'authorizer-errors',
  'dynamodb-throttles',
  'stream-iterator-age',
  'failed-stream-batches',
  'dropped-stream-records',
  'tenant-purge-dead-letters',
] as const;
export type RunbookEntry = (typeof RUNBOOK_ENTRIES)[number];

const FIVE_MINUTES = Duration.minutes(5);
const sum = { period: FIVE_MINUTES, statistic: 'Sum' } as const;

export class ScimAlarms extends Construct {
  readonly topic: sns.ITopic;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: AlarmProps;

  constructor(scope: Construct, id: string, props: AlarmProps, targets: AlarmTargets) {
    super(scope, id);
    this.props = props;
    this.topic =
      props.alarmTopic ??
      (props.alarmTopicArn
        ? sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
        : new sns.Topic(this, 'Topic', { displayName: 'SCIM service alarms', enforceSSL: true }));
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    Aspects.of(Stack.of(this)).add(new NotifyEveryAlarm([new actions.SnsAction(this.topic), ...(props.alarmActions ?? [])]));
    this.watchApi(targets);
    this.watchTable(targets.table);
  }

  /** An alarm at or above `threshold`, with its runbook entry; the aspect adds the actions. */
  add(id: string, metric: cloudwatch.IMetric, threshold: number, entry: RunbookEntry, what: string, periods = 1): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${what} Runbook: ${RUNBOOK}#${entry}`,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** Errors and throttles of a function (the authorizer's errors have their own runbook entry). */
  watchFunction(name: string, fn: lambda.IFunction): void {
    const authorizer = name === 'authorizer';
    this.add(
      `${name}Errors`,
      fn.metricErrors(sum),
      1,
      authorizer ? 'authorizer-errors' : 'function-errors',
      authorizer
        ? 'The authorizer failed (not a refused token): requests are answered 503.'
        : `The ${name} function ended with an unhandled error.`,
    );
    this.add(`${name}Throttles`, fn.metricThrottles(sum), 1, 'function-throttles', `Lambda throttled the ${name} function.`);
  }

  /** A stream consumer: errors, throttles, iterator age, and batches that ended in the failed-batch store. */
  watchStreamConsumer(name: string, fn: lambda.IFunction, eventSourceMappingId: string): void {
    this.watchFunction(name, fn);
    const minutes = this.props.iteratorAgeMinutes ?? 15;
    this.add(
      `${name}IteratorAge`,
      fn.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' }),
      minutes * 60_000,
      'stream-iterator-age',
      `The ${name} is more than ${minutes} minutes behind the table's stream (which keeps records 24 h).`,
    );
    const mapping = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { EventSourceMappingUUID: eventSourceMappingId },
        ...sum,
      });
    this.add(
      `${name}FailedBatches`,
      mapping('OnFailureDestinationDeliveredEventCount'),
      1,
      'failed-stream-batches',
      `Stream records the ${name} could not handle after retries were stored in the failed-batch bucket: fix the cause, then redrive.`,
    );
    this.add(
      `${name}DroppedRecords`,
      mapping('DroppedEventCount'),
      1,
      'dropped-stream-records',
      `Stream records of the ${name} were dropped: not even the failed-batch bucket took them.`,
    );
  }

  /** A dead-letter queue that holds any message: work that failed every retry and waits for a fix and a redrive. */
  watchDeadLetters(name: string, queue: sqs.IQueue, entry: RunbookEntry, what: string): void {
    this.add(
      `${name}DeadLetters`,
      queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      entry,
      `${what}: its message is in the dead-letter queue.`,
    );
  }

  private watchApi({ api, accessLogs }: AlarmTargets): void {
    this.add('Api5xx', api.metricServerError(sum), 5, 'api-5xx', 'The SCIM API answered 5xx: Entra retries, but investigate.');
    const fromAccessLogs = (id: string, metricName: string, status: string) => {
      new logs.MetricFilter(this, id, {
        logGroup: accessLogs,
        metricNamespace: 'ScimServerless',
        metricName,
        filterPattern: logs.FilterPattern.stringValue('$.status', '=', status),
        metricValue: '1',
      });
      return new cloudwatch.Metric({ namespace: 'ScimServerless', metricName, ...sum });
    };
    this.add(
      'ApiThrottled',
      fromAccessLogs('Throttled429', 'Throttled', '429'),
      50,
      'api-throttled',
      'Tenants are being throttled (429): raise their rateLimit if it is legitimate traffic.',
    );
    this.add(
      'ApiUnauthorizedSpike',
      fromAccessLogs('Unauthorized401', 'Unauthorized', '401'),
      this.props.unauthorizedPerFiveMinutes ?? 100,
      'unauthorized-spike',
      'A spike of 401 answers: credential stuffing, or a customer whose secret expired.',
    );
    const latency = this.props.latencyP99Ms ?? 5000;
    this.add(
      'ApiLatencyP99',
      api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      latency,
      'latency-p99',
      `The API's p99 latency stayed at or above ${latency} ms for 15 minutes.`,
      3,
    );
  }

  private watchTable(table: dynamodb.ITable): void {
    this.add(
      'DynamoDbThrottles',
      table.metricThrottledRequestsForOperations({
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.DELETE_ITEM,
          dynamodb.Operation.QUERY,
          dynamodb.Operation.BATCH_WRITE_ITEM,
          dynamodb.Operation.BATCH_GET_ITEM,
          dynamodb.Operation.TRANSACT_WRITE_ITEMS,
        ],
        ...sum,
      }),
      1,
      'dynamodb-throttles',
      'DynamoDB throttled requests: the service retries, then answers 503.',
    );
  }
}

/** Gives every alarm of the stack that notifies no one the alarm actions (alarm and back to OK). */
class NotifyEveryAlarm implements IAspect {
  constructor(private readonly actions: cloudwatch.IAlarmAction[]) {}

  visit(node: IConstruct): void {
    const alarm = node.node.scope;
    if (!(node instanceof cloudwatch.CfnAlarm) || !(alarm instanceof cloudwatch.Alarm)) return;
    // The alarm's own actions are a lazy list: resolved, empty means nobody would hear of it.
    const existing: unknown = Stack.of(node).resolve(node.alarmActions);
    if (Array.isArray(existing) && existing.length > 0) return;
    alarm.addAlarmAction(...this.actions);
    alarm.addOkAction(...this.actions);
  }
}
