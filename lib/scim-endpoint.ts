/**
 * ScimEndpoint: the whole SCIM service as one reusable construct. One DynamoDB table (keys from
 * functions/store), per-resource Lambda functions behind an API Gateway REST API at
 * `/tenants/{tenantId}/scim/v2/...` (routes from functions/routes.ts), a TOKEN authorizer, the
 * stream consumers (membership janitor, change-event publisher to EventBridge), SCIM gateway
 * responses, access logs and alarms, and the rate-tier usage plans (lib/rate-tiers.ts). Tenants are data
 * in the table (the admin API, `scim-admin`, the tenants.json seed of TenantOnboarding), never resources.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEntries, routes, streamFunctionEntries, TENANT_BASE_PATH, type FunctionName } from '../functions/routes';
import { GSI1, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../functions/store/table-definition';
import { AUTHORIZATION_HEADER_PATTERN } from '../functions/credentials/secret-token';
import { USAGE_KEY_SALT_ENV } from '../functions/tenants/usage-key';
import { bundlingFor, type AwsSdkSource } from './bundling';
import { DEFAULT_RATE_TIERS, RateTierPlans, type ThrottleSettings } from './rate-tiers';
import { TABLE_ACTIONS, type TableUser } from './table-access';
import { addScimGatewayResponses } from './scim-gateway-responses';
import { addEventStreams, type EventStreamResources } from './event-transmitter';
import { ScimWaf, type ScimWafProps } from './waf';
import { AdminApi } from './tenant-admin-api';
import { ScimAlarms, type AlarmProps } from './alarms';
import { TenantPurge } from './tenant-purge-queue';
import { ScimBackup, type BackupProps } from './backup';
import { publicOriginOf, ScimCustomDomain, validateCustomDomain, type CustomDomainProps } from './custom-domain';
import { ScimDashboard } from './dashboard';
import { FailedBatchBucket } from './dead-letters';
import type { EndpointServices, FunctionOptions } from './endpoint-services';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export type { ThrottleSettings } from './rate-tiers';

export interface ScimEndpointProps {
  /** API Gateway stage; the tenant URL is `https://<api>/<stage>/tenants/<id>/scim/v2`. @default 'v2' */
  readonly stageName?: string;
  /**
   * How long API Gateway caches an authorizer decision per token. A revoked token or disabled
   * tenant keeps working for at most this long. @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Rate tiers (docs/throttling.md): each tenant gets its own bucket of its tier's size (its own API
   * key in the tier's usage plan, created by the tenant service). Every rate at least 25 (Entra).
   * @default { standard: 50 rps / burst 100, large: 200 rps / burst 400 }
   */
  readonly rateTiers?: Readonly<Record<string, ThrottleSettings>>;
  /** The tier of a tenant created without `rateTier`: one of `rateTiers`, or `shared`. @default 'standard' */
  readonly defaultRateTier?: string;
  /**
   * Throttle of the shared usage plan: ONE bucket for the tenants without a key of their own (items
   * from before rate tiers, tenants on the `shared` tier). @default 100 rps, burst 200
   */
  readonly sharedTenantThrottle?: ThrottleSettings;
  /**
   * Stage-wide throttle, for all tenants together: a ceiling for the whole API, sized for many busy
   * tenants at once (the account's default is 10,000 rps with a 5,000 burst, shared by every API of
   * the account in the Region). @default 5,000 rps, burst 5,000
   */
  readonly stageThrottle?: ThrottleSettings;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Memory of the resource functions (CPU scales with it). @default 1024 */
  readonly memorySize?: number;
  /** Bus for change events. @default a new bus */
  readonly eventBus?: events.IEventBus;
  /** Where alarms notify besides the alarm topic (e.g. an incident tool). @default none */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /** The alarm topic, its email subscription and thresholds (lib/alarms.ts). @default a new topic, no subscription */
  readonly alarms?: Omit<AlarmProps, 'alarmActions'>;
  /** A CloudWatch dashboard of the API, the functions and the stream consumers. @default true */
  readonly dashboard?: boolean;
  /**
   * Tenant URLs on a domain of the vendor's (`https://<domainName>/tenants/<id>/scim/v2`), TLS 1.2
   * minimum; every URL the service returns or prints uses it. @default none: the execute-api URL
   */
  readonly customDomain?: CustomDomainProps;
  /** An AWS Backup plan for the table (snapshots, retention, copy to another account or Region). @default none */
  readonly backup?: BackupProps;
  /**
   * Run on an existing table instead of creating one: the restore runbook (docs/operations.md)
   * points the stack at a table restored from PITR or a backup. Its stream must be on (NEW_AND_OLD_IMAGES).
   * @default a new table
   */
  readonly existingTable?: { readonly tableName: string; readonly tableStreamArn: string };
  /**
   * Create the account's Region-wide API Gateway CloudWatch role (`AWS::ApiGateway::Account`, retained,
   * shared by every API of the account and Region). Only needed when the account has none yet and
   * execution logs are wanted. @default false
   */
  readonly apiGatewayAccountLogging?: boolean;
  /**
   * X-Ray subsegments for the functions' AWS SDK calls (DynamoDB, KMS, EventBridge) through the
   * Powertools Tracer: about 130 KiB more per bundle with SDK clients (not the authorizer). @default false
   */
  readonly sdkTracing?: boolean;
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
/** Beyond the authorizer cache TTL: the handlers' profile TTL (30 s) and a minute of stream-consumer lag. */
const PURGE_QUARANTINE_EXTRA_SECONDS = 90;

export class ScimEndpoint extends Construct implements EndpointServices {
  readonly table: dynamodb.ITable;
  readonly api: apigateway.RestApi;
  readonly eventBus: events.IEventBus;
  readonly functions: Record<FunctionName | 'authorizer' | 'ssf' | 'purge' | keyof typeof streamFunctionEntries, lambda.IFunction>;
  /** Stream batches the consumers failed after retries, whole (lib/dead-letters.ts). */
  readonly failedBatches: FailedBatchBucket;
  /** The tier usage plans and the shared plan (lib/rate-tiers.ts); `rateTiers.grantManage(fn)` for the tenant service's functions. */
  readonly rateTiers: RateTierPlans;
  readonly alarms: ScimAlarms;
  readonly dashboard?: ScimDashboard;
  readonly customDomain?: ScimCustomDomain;
  readonly backup?: ScimBackup;
  /** `https://<domain>` with a custom domain: what the functions put in the URLs they return. */
  readonly publicOrigin?: string;
  readonly accessLogs: logs.LogGroup;
  /** Event source mapping ids of the stream consumers (alarms, dashboard). */
  private readonly streamMappings: Record<string, string> = {};
  /** Event streams (docs/events.md): the SET signing key, the key sealing receivers' secrets, the SSF issuer. */
  readonly eventStreams: EventStreamResources;
  readonly waf?: ScimWaf;
  /** Extra allowed JWKS hosts of federated credentials (props.federationJwksHosts). */
  readonly federationJwksHosts: readonly string[];
  /** The tenant admin API under /admin/v1 (AWS_IAM), lib/tenant-admin-api.ts. */
  readonly adminApi: AdminApi;
  /** The background removal of deleted tenants' data: its queue, dead letters and function (lib/tenant-purge-queue.ts). */
  readonly tenantPurge: TenantPurge;
  private readonly logRetention: logs.RetentionDays;
  private readonly usageKeySalt: string;
  private readonly bundling: ReturnType<typeof bundlingFor>;
  /** The authorizer makes no SDK calls: never built with the tracer. */
  private readonly authorizerBundling: ReturnType<typeof bundlingFor>;

  constructor(scope: Construct, id: string, props: ScimEndpointProps = {}) {
    super(scope, id);
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.federationJwksHosts = [...(props.federationJwksHosts ?? [])];
    this.bundling = bundlingFor(props.awsSdk ?? 'bundled', props.sdkTracing ?? false);
    this.authorizerBundling = bundlingFor(props.awsSdk ?? 'bundled', false);
    if (props.customDomain) {
      validateCustomDomain(props.customDomain);
      this.publicOrigin = publicOriginOf(props.customDomain);
    }
    // Unique per construct instance, stable across deploys.
    this.usageKeySalt = createHash('sha256').update(Names.uniqueId(this)).digest('hex').slice(0, 12);
    this.table = props.existingTable
      ? dynamodb.Table.fromTableAttributes(this, 'Table', { ...props.existingTable, globalIndexes: [GSI1.indexName] })
      : this.createTable(props.tableRemovalPolicy ?? RemovalPolicy.RETAIN);
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'ChangeEvents', { description: 'SCIM provisioning change events' });
    this.failedBatches = new FailedBatchBucket(this, 'FailedBatches');
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });

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
    // The event source mapping grants the stream read; from the table the publisher only Queries a large write's delta chunks.
    this.grantTableAccess(publisher, 'publisher');
    this.eventBus.grantPutEventsTo(publisher);
    // Activity records and health counters (docs/activity.md): only the items that mean activity reach it.
    const recorder = this.createStreamFunction(
      'recorder',
      [
        lambda.FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: lambda.FilterRule.or('User', 'Group') } } } }),
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: lambda.FilterRule.or('DeletionNote', 'MemberDeparture', 'Activity') } } },
        }),
      ],
      { EVENT_BUS_NAME: this.eventBus.eventBusName },
    );
    this.grantTableAccess(recorder, 'recorder');
    this.eventBus.grantPutEventsTo(recorder);

    this.api = this.createApi(props, resourceFunctions, authorizer);
    this.eventStreams = addEventStreams(this, props.stageName ?? 'v2');
    const { outbox, delivery, ssf } = this.eventStreams.functions;
    // A deleted tenant's last sweep waits out cached authorizer decisions, the handlers' profile TTL and stream lag.
    const quarantine = Duration.seconds((props.authorizerCacheTtl ?? Duration.minutes(5)).toSeconds() + PURGE_QUARANTINE_EXTRA_SECONDS);
    this.tenantPurge = new TenantPurge(this, 'TenantPurge', { endpoint: this, quarantine });
    const purge = this.tenantPurge.purgeFunction;
    this.functions = { ...resourceFunctions, authorizer, janitor, publisher, recorder, outbox, delivery, ssf, purge };
    if (props.waf) this.waf = new ScimWaf(this, 'Waf', { ...props.waf, stage: this.api.deploymentStage });
    // The publisher writes the SETs; discovery advertises their URIs (ServiceProviderConfig securityEvents).
    const eventForm = props.changeEvents?.form ?? 'notice';
    for (const fn of [publisher, resourceFunctions.discovery]) fn.addEnvironment('SCIM_EVENT_FORM', eventForm);
    if (props.changeEvents?.issuer) publisher.addEnvironment('SCIM_EVENT_ISSUER', props.changeEvents.issuer);
    this.rateTiers = new RateTierPlans(this, 'RateTiers', {
      api: this.api,
      tiers: props.rateTiers ?? DEFAULT_RATE_TIERS,
      defaultTier: props.defaultRateTier ?? 'standard',
      sharedThrottle: props.sharedTenantThrottle ?? { rateLimit: 100, burstLimit: 200 },
      salt: this.usageKeySalt,
    });
    this.alarms = new ScimAlarms(this, 'Alarms', { ...props.alarms, alarmActions: props.alarmActions ?? [] }, this);
    this.alarms.watchDeadLetters('tenantPurge', this.tenantPurge.deadLetters, 'tenant-purge-dead-letters', 'A tenant purge failed 5 times');
    if (props.dashboard ?? true) this.dashboard = new ScimDashboard(this, 'Dashboard', this.api);
    for (const [name, fn] of Object.entries(this.functions)) this.watchFunction(name, fn);
    if (props.customDomain) this.customDomain = new ScimCustomDomain(this, 'CustomDomain', { ...props.customDomain, api: this.api });
    if (props.backup) this.backup = new ScimBackup(this, 'Backup', { ...props.backup, table: this.table });
    this.adminApi = new AdminApi(this, 'AdminApi', { endpoint: this });
    // The admin API writes event streams: it seals push Authorization headers and names poll URLs.
    const adminFunction = this.adminApi.adminFunction;
    this.eventStreams.secretsKey.grantEncrypt(adminFunction);
    adminFunction.addEnvironment('EVENTS_SECRETS_KEY_ARN', this.eventStreams.secretsKey.keyArn);
    adminFunction.addEnvironment('SSF_ISSUER', this.eventStreams.issuer);
    // The tenant service gives each tenant its own key in its tier's plan (docs/throttling.md).
    this.rateTiers.grantManage(this.adminApi.adminFunction);
    // DELETE /admin/v1/tenants/{id} asks for the tenant's purge.
    this.tenantPurge.grantRequest(this.adminApi.adminFunction);
  }

  /** Alarms and a dashboard row for a function (the token function is added by TokenEndpoint). */
  watchFunction(name: string, fn: lambda.IFunction): void {
    const mapping = this.streamMappings[name as keyof typeof streamFunctionEntries];
    if (mapping) {
      this.alarms.watchStreamConsumer(name, fn, mapping);
      this.dashboard?.addStreamConsumer(name, fn, mapping);
    } else {
      this.alarms.watchFunction(name, fn);
      this.dashboard?.addFunction(name, fn);
    }
  }

  /** The origin of the URLs clients see: the custom domain, else the API's execute-api URL with its stage. */
  private get origin(): string {
    return this.publicOrigin ?? this.api.url.replace(/\/$/, '');
  }

  /** The URL a tenant's admin pastes into Entra as "Tenant URL" (on the custom domain when there is one). */
  tenantUrl(tenantId: string): string {
    return `${this.origin}${TENANT_BASE_PATH.replace('{tenantId}', tenantId)}`;
  }

  /** An absolute URL of a path of the API (`/tenants/acme/oauth2/token`), on the custom domain when there is one. */
  urlForPath(path: string): string {
    return this.publicOrigin ? `${this.publicOrigin}${path}` : this.api.urlForPath(path);
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
  createFunction(name: string, entry: string, options: FunctionOptions): NodejsFunction {
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
      bundling:
        name === 'authorizer'
          ? this.authorizerBundling
          : options.commandHooks
            ? { ...this.bundling, commandHooks: options.commandHooks }
            : this.bundling,
      environment: {
        TABLE_NAME: this.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'scim',
        POWERTOOLS_METRICS_NAMESPACE: 'ScimServerless',
        ...(this.publicOrigin ? { SCIM_PUBLIC_ORIGIN: this.publicOrigin } : {}),
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

  /** Stream consumer: retried from the failed record, then the whole batch goes to the failed-batch bucket. */
  createStreamFunction(
    name: keyof typeof streamFunctionEntries,
    filters: Record<string, unknown>[],
    environment: Record<string, string> = {},
  ): NodejsFunction {
    const fn = this.createFunction(name, streamFunctionEntries[name], { memorySize: 512, timeout: STREAM_FUNCTION_TIMEOUT, environment });
    const source = new DynamoEventSource(this.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      retryAttempts: 10,
      reportBatchItemFailures: true,
      onFailure: this.failedBatches.destination(),
      // EventCount metrics: what reached the failed-batch bucket, what was dropped (alarms, dashboard).
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
      ...(filters.length > 0 ? { filters } : {}),
    });
    fn.addEventSource(source);
    this.streamMappings[name] = source.eventSourceMappingId;
    return fn;
  }

  private createApi(
    props: ScimEndpointProps,
    resourceFunctions: Record<FunctionName, NodejsFunction>,
    authorizerFn: NodejsFunction,
  ): apigateway.RestApi {
    const accessLogs = this.accessLogs;
    const throttle = props.stageThrottle ?? { rateLimit: 5000, burstLimit: 5000 };
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-scim`,
      description: 'SCIM 2.0 provisioning endpoint (multi-tenant)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      apiKeySourceType: apigateway.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: props.apiGatewayAccountLogging ?? false,
      disableExecuteApiEndpoint: props.customDomain?.disableExecuteApiEndpoint ?? false,
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
    return api;
  }
}
