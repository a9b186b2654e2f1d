/**
 * ScimEndpoint: the whole SCIM service as one reusable construct. One DynamoDB table (keys from
 * functions/store), per-resource Lambda functions behind an API Gateway REST API at
 * `/tenants/{tenantId}/scim/v2/...` (routes from functions/routes.ts), a TOKEN authorizer, the
 * stream consumers (membership janitor, change-event publisher to EventBridge), SCIM gateway
 * responses, access logs and alarms. Tenants are added with `addTenant` (see TenantOnboarding).
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionEntries, routes, streamFunctionEntries, TENANT_BASE_PATH, type FunctionName } from '../functions/routes';
import { GSI1, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../functions/store/table-definition';
import { AUTHORIZATION_HEADER_PATTERN } from '../functions/credentials/secret-token';
import { sharedUsageKey, USAGE_KEY_SALT_ENV, usageKeyOf } from '../functions/tenants/usage-key';
import { bundlingFor, type AwsSdkSource } from './bundling';
import { TABLE_ACTIONS, type TableUser } from './table-access';
import { addScimGatewayResponses } from './scim-gateway-responses';
import { addEventStreams, type EventStreamResources } from './event-streams';
import { ScimWaf, type ScimWafProps } from './waf';
import { AdminApi } from './admin-api';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface ScimEndpointProps {
  /** API Gateway stage; the tenant URL is `https://<api>/<stage>/tenants/<id>/scim/v2`. @default 'v2' */
  readonly stageName?: string;
  /**
   * How long API Gateway caches an authorizer decision per token. A revoked token or disabled
   * tenant keeps working for at most this long. @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Throttle of the shared default usage plan: the tenants without a plan of their own (added with
   * `scim-admin tenants add`) share this one bucket. @default 100 rps, burst 200
   */
  readonly sharedTenantThrottle?: ThrottleSettings;
  /** Stage-wide throttle, above the sum of busy tenants. @default 500 rps, burst 1000 */
  readonly stageThrottle?: ThrottleSettings;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Memory of the resource functions (CPU scales with it). @default 1024 */
  readonly memorySize?: number;
  /** Bus for change events. @default a new bus */
  readonly eventBus?: events.IEventBus;
  /** Where alarms notify (e.g. an SNS action). @default none */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /** @default RemovalPolicy.RETAIN: provisioning data outlives the stack */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Where the functions' AWS SDK comes from: `bundled` (the versions the tests ran, minified into
   * each bundle) or `runtime` (the nodejs22.x runtime's own SDK v3: smaller bundles, the runtime's
   * versions; docs/performance.md compares their init times). @default 'bundled'
   */
  readonly awsSdk?: AwsSdkSource;
  /**
   * Change events (RFC 9967 SETs, docs/events.md): `form` `notice` lists attribute names,
   * `full` carries the resource's values (the bus then carries PII); `issuer` is the SETs' `iss`.
   * @default { form: 'notice', issuer: 'scim-serverless' }
   */
  readonly changeEvents?: { readonly form?: 'notice' | 'full'; readonly issuer?: string };
  /**
   * Concurrent executions reserved for the authorizer (also its cap), so no tenant's load on the other
   * functions can starve authorization. `false`: none (an account below 150 concurrent executions cannot
   * reserve). @default 50
   */
  readonly authorizerReservedConcurrency?: number | false;
  /** An AWS WAF web ACL on the stage (lib/waf.ts; `{}` for its defaults; cost in docs/capacity.md#waf). @default none */
  readonly waf?: ScimWafProps;
  /**
   * Hosts (`host` or `host:port`) federated credentials' JWKS may be fetched from besides
   * `login.microsoftonline.com` and `login.windows.net` (docs/federation.md). The token endpoint and
   * the functions that store credentials get it as SCIM_FEDERATION_JWKS_HOSTS; bin/app.ts passes that
   * variable's value at synth, so tenants.json is validated against the same list. @default none
   */
  readonly federationJwksHosts?: readonly string[];
}

/**
 * Below API Gateway's 29 s integration timeout, so the gateway never gives up on a function still
 * running (a client would get 504 for a write that committed); the handlers' own work budgets (20 s,
 * http/resource-routes.ts and http/bulk-routes.ts) end well before.
 */
export const RESOURCE_FUNCTION_TIMEOUT = Duration.seconds(26);
const STREAM_FUNCTION_TIMEOUT = Duration.minutes(5);

export class ScimEndpoint extends Construct {
  readonly table: dynamodb.Table;
  readonly api: apigateway.RestApi;
  readonly eventBus: events.IEventBus;
  readonly functions: Record<FunctionName | 'authorizer' | 'ssf' | keyof typeof streamFunctionEntries, lambda.IFunction>;
  readonly deadLetterQueue: sqs.Queue;
  /** The default plan of tenants without one of their own (see functions/tenants/usage-key.ts). */
  readonly sharedUsagePlan: apigateway.UsagePlan;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Event streams (docs/events.md): the SET signing key, the key sealing receivers' secrets, the SSF issuer. */
  readonly eventStreams: EventStreamResources;
  readonly waf?: ScimWaf;
  /** Extra allowed JWKS hosts of federated credentials (props.federationJwksHosts). */
  readonly federationJwksHosts: readonly string[];
  /** The tenant admin API under /admin/v1 (AWS_IAM), lib/admin-api.ts. */
  readonly adminApi: AdminApi;
  private readonly logRetention: logs.RetentionDays;
  private readonly usageKeySalt: string;
  private readonly bundling: ReturnType<typeof bundlingFor>;

  constructor(scope: Construct, id: string, props: ScimEndpointProps = {}) {
    super(scope, id);
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.federationJwksHosts = [...(props.federationJwksHosts ?? [])];
    this.bundling = bundlingFor(props.awsSdk ?? 'bundled');
    // Unique per construct instance, stable across deploys.
    this.usageKeySalt = createHash('sha256').update(Names.uniqueId(this)).digest('hex').slice(0, 12);
    this.table = this.createTable(props.tableRemovalPolicy ?? RemovalPolicy.RETAIN);
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'ChangeEvents', { description: 'SCIM provisioning change events' });
    this.deadLetterQueue = this.createQueue('StreamDeadLetters');
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue IS the dead-letter destination of the stream consumers (an event source mapping destination cdk-nag does not follow).',
    });

    const memorySize = props.memorySize ?? 1024;
    const resourceFunctions = {} as Record<FunctionName, NodejsFunction>;
    for (const name of ['users', 'groups', 'discovery', 'search', 'bulk'] as const) {
      resourceFunctions[name] = this.createFunction(name, functionEntries[name], { memorySize, timeout: RESOURCE_FUNCTION_TIMEOUT });
      this.grantTableAccess(resourceFunctions[name], name);
    }
    const authorizer = this.createFunction('authorizer', functionEntries.authorizer, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { [USAGE_KEY_SALT_ENV]: this.usageKeySalt },
      reservedConcurrentExecutions: props.authorizerReservedConcurrency ?? 50,
    });
    this.grantTableAccess(authorizer, 'authorizer');
    const janitor = this.createStreamFunction('janitor', [
      lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('REMOVE') }),
      lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('Membership') } } },
      }),
    ]);
    this.grantTableAccess(janitor, 'janitor');
    const publisher = this.createStreamFunction('publisher', [], { EVENT_BUS_NAME: this.eventBus.eventBusName });
    // The event source mapping grants the stream read; the publisher never reads the table itself.
    this.grantTableAccess(publisher, 'publisher');
    this.eventBus.grantPutEventsTo(publisher);
    // Activity records and health counters (docs/activity.md): only the items that mean activity reach it.
    const recorder = this.createStreamFunction(
      'recorder',
      [
        lambda.FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: lambda.FilterRule.or('User', 'Group') } } } }),
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: lambda.FilterRule.or('DeletionNote', 'Activity') } } },
        }),
      ],
      { EVENT_BUS_NAME: this.eventBus.eventBusName },
    );
    this.grantTableAccess(recorder, 'recorder');
    this.eventBus.grantPutEventsTo(recorder);

    this.api = this.createApi(props, resourceFunctions, authorizer);
    this.eventStreams = addEventStreams(this, props.stageName ?? 'v2');
    const { outbox, delivery, ssf } = this.eventStreams.functions;
    this.functions = { ...resourceFunctions, authorizer, janitor, publisher, recorder, outbox, delivery, ssf };
    if (props.waf) this.waf = new ScimWaf(this, 'Waf', { ...props.waf, stage: this.api.deploymentStage });
    // The publisher writes the SETs; discovery advertises their URIs (ServiceProviderConfig securityEvents).
    const eventForm = props.changeEvents?.form ?? 'notice';
    for (const fn of [publisher, resourceFunctions.discovery]) fn.addEnvironment('SCIM_EVENT_FORM', eventForm);
    if (props.changeEvents?.issuer) publisher.addEnvironment('SCIM_EVENT_ISSUER', props.changeEvents.issuer);
    this.sharedUsagePlan = this.addUsagePlan(
      'Shared',
      sharedUsageKey(this.usageKeySalt),
      props.sharedTenantThrottle ?? { rateLimit: 100, burstLimit: 200 },
      {
        plan: 'SCIM tenants without a usage plan of their own (added with scim-admin)',
        key: 'Usage identifier of the SCIM tenants on the shared plan (not a credential)',
      },
    );
    this.createAlarms(props.alarmActions ?? [], authorizer);
    this.adminApi = new AdminApi(this, 'AdminApi', { endpoint: this });
    // The admin API writes event streams: it seals push Authorization headers and names poll URLs.
    const adminFunction = this.adminApi.adminFunction;
    this.eventStreams.secretsKey.grantEncrypt(adminFunction);
    adminFunction.addEnvironment('EVENTS_SECRETS_KEY_ARN', this.eventStreams.secretsKey.keyArn);
    adminFunction.addEnvironment('SSF_ISSUER', this.eventStreams.issuer);
  }

  /** The URL a tenant's admin pastes into Entra as "Tenant URL". */
  tenantUrl(tenantId: string): string {
    return `${this.api.url.replace(/\/$/, '')}${TENANT_BASE_PATH.replace('{tenantId}', tenantId)}`;
  }

  /**
   * The tenant's own throttle: a usage plan whose key the authorizer names for that tenant (the
   * tenant item says `usagePlan: own`, written by onboarding). Entra needs at least 25 requests/s per tenant.
   */
  addTenantThrottle(tenantId: string, throttle: ThrottleSettings): apigateway.UsagePlan {
    return this.addUsagePlan(tenantId, usageKeyOf(tenantId, this.usageKeySalt), throttle, {
      plan: `SCIM tenant ${tenantId}`,
      key: `Usage identifier of SCIM tenant ${tenantId} (not a credential)`,
    });
  }

  private addUsagePlan(
    id: string,
    keyValue: string,
    throttle: ThrottleSettings,
    descriptions: { plan: string; key: string },
  ): apigateway.UsagePlan {
    if (throttle.rateLimit < 25) throw new Error(`usage plan ${id}: Entra needs a rate limit of at least 25 requests/s`);
    const plan = this.api.addUsagePlan(`UsagePlan-${id}`, {
      description: descriptions.plan,
      throttle,
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    plan.addApiKey(this.api.addApiKey(`UsageKey-${id}`, { value: keyValue, description: descriptions.key }));
    return plan;
  }

  /**
   * Exactly the table actions `TABLE_ACTIONS[name]` lists (see lib/table-access.ts): on the table,
   * and on its indexes only for the actions that read indexes (Query, Scan).
   */
  grantTableAccess(fn: lambda.IFunction, name: TableUser): void {
    const actions: readonly string[] = TABLE_ACTIONS[name];
    if (actions.length === 0) return;
    const readsIndexes = actions.some((action) => action === 'dynamodb:Query' || action === 'dynamodb:Scan');
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...actions],
      resourceArns: [this.table.tableArn, ...(readsIndexes ? [`${this.table.tableArn}/index/*`] : [])],
    });
  }

  /**
   * The environment of a function that verifies or stores federated credentials (the token function,
   * onboarding, the admin API): the extra JWKS hosts, when there are any.
   */
  federationEnvironment(): Record<string, string> {
    return this.federationJwksHosts.length > 0 ? { SCIM_FEDERATION_JWKS_HOSTS: this.federationJwksHosts.join(',') } : {};
  }

  /** A NodejsFunction with this service's defaults (Node 22, arm64, ESM bundle, log retention). */
  createFunction(
    name: string,
    entry: string,
    options: {
      memorySize: number;
      timeout: Duration;
      environment?: Record<string, string>;
      /** Reserved concurrency (also the function's cap); `false` or absent: none. */
      reservedConcurrentExecutions?: number | false;
    },
  ): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    return new NodejsFunction(this, `${name}Function`, {
      entry: join(PROJECT_ROOT, entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      ...(options.reservedConcurrentExecutions ? { reservedConcurrentExecutions: options.reservedConcurrentExecutions } : {}),
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      bundling: this.bundling,
      environment: {
        TABLE_NAME: this.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'scim',
        POWERTOOLS_METRICS_NAMESPACE: 'ScimServerless',
        ...options.environment,
      },
    });
  }

  private createTable(removalPolicy: RemovalPolicy): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: GSI1.indexName,
      partitionKey: { name: GSI1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: GSI1.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    return table;
  }

  private createQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
  }

  /** Stream consumer: retried from the failed record, then the batch's position goes to the DLQ. */
  createStreamFunction(
    name: keyof typeof streamFunctionEntries,
    filters: Record<string, unknown>[],
    environment: Record<string, string> = {},
  ): NodejsFunction {
    const fn = this.createFunction(name, streamFunctionEntries[name], { memorySize: 512, timeout: STREAM_FUNCTION_TIMEOUT, environment });
    fn.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        ...(filters.length > 0 ? { filters } : {}),
      }),
    );
    return fn;
  }

  private createApi(
    props: ScimEndpointProps,
    resourceFunctions: Record<FunctionName, NodejsFunction>,
    authorizerFn: NodejsFunction,
  ): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const throttle = props.stageThrottle ?? { rateLimit: 500, burstLimit: 1000 };
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-scim`,
      description: 'SCIM 2.0 provisioning endpoint (multi-tenant)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      apiKeySourceType: apigateway.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? 'v2',
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        // No headers: the Authorization header never reaches a log.
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            tenantId: '$context.authorizer.tenantId',
            authorizerError: '$context.authorizer.error',
            errorType: '$context.error.responseType',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });
    const authorizer = new apigateway.TokenAuthorizer(this, 'Authorizer', {
      handler: authorizerFn,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      validationRegex: AUTHORIZATION_HEADER_PATTERN,
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
    });
    // No request validator: the methods declare no required parameters and no body models (the
    // functions validate bodies against the tenant's SCIM schemas and answer SCIM errors), so a
    // validator would check nothing.
    const base = api.root.resourceForPath(TENANT_BASE_PATH);
    const integrations = new Map<FunctionName, apigateway.LambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new apigateway.LambdaIntegration(resourceFunctions[route.function], { proxy: true, allowTestInvoke: false });
        integrations.set(route.function, integration);
      }
      // ANY, so that a method the route does not serve reaches the function and gets a SCIM 405 with
      // `Allow` (as on the local server), instead of API Gateway's "Missing Authentication Token".
      base.resourceForPath(route.path.replace(/^\//, '')).addMethod('ANY', integration, { authorizer, apiKeyRequired: true });
    }
    addScimGatewayResponses(api);
    new logs.MetricFilter(this, 'Throttled429', {
      logGroup: accessLogs,
      metricNamespace: 'ScimServerless',
      metricName: 'Throttled',
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricValue: '1',
    });
    return api;
  }

  private createAlarms(actions: cloudwatch.IAlarmAction[], authorizer: NodejsFunction): void {
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(...actions);
      this.alarms.push(created);
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    alarm('Api5xx', this.api.metricServerError(fiveMinutes), 5, 'The SCIM API answered 5xx: Entra retries, but investigate.');
    alarm(
      'ApiThrottled',
      new cloudwatch.Metric({ namespace: 'ScimServerless', metricName: 'Throttled', ...fiveMinutes }),
      50,
      'Tenants are being throttled (429): raise their rateLimit in tenants.json if it is legitimate traffic.',
    );
    alarm('AuthorizerErrors', authorizer.metricErrors(fiveMinutes), 1, 'The authorizer failed (not a refused token): every request fails.');
    alarm(
      'DynamoDbThrottles',
      this.table.metricThrottledRequestsForOperations({
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
        ...fiveMinutes,
      }),
      1,
      'DynamoDB throttled requests: the service retries, then answers 503.',
    );
    alarm(
      'StreamDeadLettersAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
      'A stream batch (membership clean-up or change events) failed after retries: redrive it.',
    );
  }
}
