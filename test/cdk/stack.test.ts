/** The synthesized template: routes, authorizer, functions, table, tenants, gateway responses, alarms. */
import { describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { routes } from '../../functions/routes';
import { AUTHORIZATION_HEADER_PATTERN } from '../../functions/credentials/secret-token';
import { STACK_OUTPUTS, STREAM_CONSUMERS } from '../../lib/stack-outputs';
import { ScimStack } from '../../lib/scim-stack';
import { testApp, testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack);
const json = JSON.stringify(template.toJSON());

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;
const resources = template.toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Full path of an API Gateway resource, from its PathPart chain. */
function pathOf(logicalId: string): string {
  const resource = resources[logicalId];
  if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
  const parent = resource.Properties.ParentId as { Ref?: string } | Record<string, unknown>;
  const parentPath = 'Ref' in parent && typeof parent.Ref === 'string' ? pathOf(parent.Ref) : '';
  return `${parentPath}/${String(resource.Properties.PathPart)}`;
}

describe('API routes', () => {
  const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => ({
    method: m.Properties.HttpMethod as string,
    path: pathOf((m.Properties.ResourceId as { Ref: string }).Ref),
    authorization: m.Properties.AuthorizationType,
    apiKeyRequired: m.Properties.ApiKeyRequired,
  }));

  it.each(routes.map((r) => [r.path, r.methods.join(', ')] as const))('serves %s (%s) behind the authorizer', (path) => {
    const found = methods.find((m) => m.path === `/tenants/{tenantId}/scim/v2${path}`);
    // ANY: the function answers the methods it serves and 405 with `Allow` to the others.
    expect(found).toEqual(expect.objectContaining({ method: 'ANY', authorization: 'CUSTOM', apiKeyRequired: true }));
  });

  it('has no SCIM method outside the route table (the token endpoint, admin API and SSF routes have tests of their own)', () => {
    expect(methods.filter((m) => m.path.startsWith('/tenants/{tenantId}/scim/v2'))).toHaveLength(routes.length);
  });
});

describe('authorizer', () => {
  it('is a TOKEN authorizer with a format check and a cache TTL', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      IdentityValidationExpression: AUTHORIZATION_HEADER_PATTERN,
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('takes usage plan keys from the authorizer (per-tenant throttling)', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });
});

describe('functions', () => {
  const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.includes('Provider'));

  it('run Node 22 on arm64 with the table name and tracing', () => {
    expect(functions.length).toBeGreaterThanOrEqual(9);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.Environment).toMatchObject({ Variables: { TABLE_NAME: expect.anything() } });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogGroup: expect.anything() });
    }
  });

  it('keep logs for a month', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(functions.length);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it("time out a margin below API Gateway's 29 s integration timeout, above the handlers' 20 s budgets", () => {
    for (const [id, fn] of functions) {
      if (/users|groups|search|bulk|discovery|token|authorizer/.test(id)) expect(fn.Properties.Timeout).toBeLessThan(29);
      if (/users|groups|search|bulk/.test(id)) expect(fn.Properties.Timeout).toBeGreaterThan(20);
    }
  });
});

describe('table', () => {
  it('is on-demand, recoverable, protected, encrypted, streamed and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'GSI1', Projection: { ProjectionType: 'KEYS_ONLY' } })],
      }),
    });
  });

  it('feeds the janitor and the publisher, with partial-batch retries and the failed-batch bucket', () => {
    // The janitor and the publisher, and the other stream consumers (activity recorder, event-stream outbox and delivery);
    // not the tenant purge, fed by its SQS queue (test/cdk/tenant-purge.test.ts).
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([id]) => !id.startsWith('ScimpurgeFunction'));
    expect(mappings.length).toBeGreaterThanOrEqual(2);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/FailedBatches/), 'Arn'] } } },
        MetricsConfig: { Metrics: ['EventCount'] },
      });
    }
  });
});

describe('tenants', () => {
  it('applies tenants.json with ONE custom resource carrying only the digest of the declarations, and no secret', () => {
    template.resourceCountIs('Custom::ScimTenant', 0);
    template.resourceCountIs('Custom::ScimTenantSeed', 1);
    const [, seed] = ofType('Custom::ScimTenantSeed')[0] ?? [];
    expect(Object.keys(seed?.Properties ?? {}).sort()).toEqual(['ServiceToken', 'declarationsDigest']);
    expect(seed?.Properties.declarationsDigest).toBe(stack.onboarding.declarationsDigest);
    // The declarations themselves are not in the template (they travel in the seed function's bundle).
    expect(json).not.toContain('phoneNumbers');
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(json).not.toMatch(/scim_[A-Za-z0-9_-]{43}/);
  });

  it("throttles per tenant with tier plans at or above Entra's 25 requests/s, and one shared plan", () => {
    // The tiers (standard, large) and the shared plan; no plan or key per tenant.
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 3);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 50, BurstLimit: 100 } });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 200, BurstLimit: 400 } });
    for (const [, plan] of ofType('AWS::ApiGateway::UsagePlan')) {
      expect((plan.Properties.Throttle as { RateLimit: number }).RateLimit).toBeGreaterThanOrEqual(25);
    }
  });

  it('sizes the stage throttle for many tenants', () => {
    const [, stage] = ofType('AWS::ApiGateway::Stage')[0] ?? [];
    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 5000 }),
      ]),
    );
  });

  it('needs a bootstrapped environment, version 6 or newer (docs/deploying.md: npx cdk bootstrap)', () => {
    const json = template.toJSON() as {
      Parameters: Record<string, { Default?: string }>;
      Rules: Record<string, { Assertions: { Assert: unknown }[] }>;
    };
    expect(json.Parameters.BootstrapVersion?.Default).toBe('/cdk-bootstrap/hnb659fds/version');
    expect(JSON.stringify(json.Rules.CheckBootstrapVersion?.Assertions)).toContain('version 6 required');
  });

  it('outputs what ops need under the keys scim-admin --stack reads', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const refersTo = (key: string, type: string) => {
      const value = JSON.stringify(outputs[key]?.Value ?? null);
      return ofType(type).some(([id]) => value.includes(`"${id}"`));
    };
    expect(refersTo(STACK_OUTPUTS.tableName, 'AWS::DynamoDB::Table')).toBe(true);
    expect(refersTo(STACK_OUTPUTS.eventBusName, 'AWS::Events::EventBus')).toBe(true);
    expect(refersTo(STACK_OUTPUTS.failedBatchBucket, 'AWS::S3::Bucket')).toBe(true);
    // Every stream consumer's function (scim-admin events redrive invokes it with its failed batches), and no other.
    const consumers = ofType('AWS::Lambda::EventSourceMapping')
      .filter(([id]) => !id.startsWith('ScimpurgeFunction')) // fed by the tenant purge queue, not the stream
      .map(([, mapping]) => JSON.stringify(mapping.Properties?.FunctionName));
    expect(consumers).toHaveLength(STREAM_CONSUMERS.length);
    for (const consumer of STREAM_CONSUMERS) {
      expect(refersTo(STACK_OUTPUTS.streamConsumer(consumer), 'AWS::Lambda::Function')).toBe(true);
      expect(consumers).toContain(JSON.stringify(outputs[STACK_OUTPUTS.streamConsumer(consumer)]?.Value));
    }
    expect(refersTo(STACK_OUTPUTS.apiUrl, 'AWS::ApiGateway::RestApi')).toBe(true);
  });

  it("outputs the rate tiers scim-admin --stack manages keys with: the tier plans' names, the default tier, the authorizer's salt", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = outputs[STACK_OUTPUTS.rateTiers]?.Value;
    expect(typeof value).toBe('string');
    const config = JSON.parse(String(value)) as { plans: Record<string, string>; defaultTier: string; salt: string };
    const planNames = ofType('AWS::ApiGateway::UsagePlan').map(([, plan]) => plan.Properties.UsagePlanName);
    expect(Object.keys(config.plans).sort()).toEqual(['large', 'standard']);
    for (const name of Object.values(config.plans)) expect(planNames).toContain(name);
    expect(config.defaultTier).toBe('standard');
    // The salt of the key values the authorizer names (USAGE_KEY_SALT in its environment).
    const salts = ofType('AWS::Lambda::Function').flatMap(([, fn]) => {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      return variables.USAGE_KEY_SALT === undefined ? [] : [variables.USAGE_KEY_SALT];
    });
    expect(salts.length).toBeGreaterThan(0);
    expect(new Set([...salts, config.salt])).toEqual(new Set([config.salt]));
  });

  it('has no output per tenant: the outputs of a stack without tenants', () => {
    const outputs = Object.keys(template.toJSON().Outputs as object).sort();
    const withoutTenants = Object.keys(testTemplate(new ScimStack(testApp(), 'NoTenants', { tenants: [] })).toJSON().Outputs as object);
    expect(outputs).toEqual(withoutTenants.sort());
    for (const tenant of ['acme', 'contoso']) expect(outputs.filter((name) => name.toLowerCase().includes(tenant))).toEqual([]);
    for (const name of [STACK_OUTPUTS.apiUrl, STACK_OUTPUTS.tableName, STACK_OUTPUTS.eventBusName]) expect(outputs).toContain(name);
  });
});

describe('gateway responses and logs', () => {
  it('answers 401 and 429 with SCIM error bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/scim+json; charset=utf-8'" }),
      ResponseTemplates: Match.objectLike({ 'application/json': Match.stringLikeRegexp('urn:ietf:params:scim:api:messages:2.0:Error') }),
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
  });

  it('answers 503 with Retry-After whichever way the authorizer fails', () => {
    // A thrown error (DynamoDB down) is AUTHORIZER_CONFIGURATION_ERROR in AWS; an unusable result is AUTHORIZER_FAILURE.
    for (const type of ['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: '503',
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
        ResponseTemplates: Match.objectLike({ 'application/json': Match.stringLikeRegexp('"status":"503"') }),
      });
    }
  });

  it('configures every documented response type with its own status, and leaves DEFAULT_4XX/5XX alone', () => {
    const configured = new Map(
      ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [String(r.Properties.ResponseType), String(r.Properties.StatusCode)]),
    );
    // API Gateway's documented types with their default status codes (overridden on purpose: 404 for
    // unknown paths, 502 for a failed function, 503 for a failed authorizer).
    expect(Object.fromEntries(configured)).toEqual({
      ACCESS_DENIED: '403',
      API_CONFIGURATION_ERROR: '500',
      AUTHORIZER_CONFIGURATION_ERROR: '503',
      AUTHORIZER_FAILURE: '503',
      BAD_REQUEST_PARAMETERS: '400',
      BAD_REQUEST_BODY: '400',
      EXPIRED_TOKEN: '403',
      INTEGRATION_FAILURE: '502',
      INTEGRATION_TIMEOUT: '504',
      INVALID_API_KEY: '403',
      INVALID_SIGNATURE: '403',
      MISSING_AUTHENTICATION_TOKEN: '404',
      QUOTA_EXCEEDED: '429',
      REQUEST_TOO_LARGE: '413',
      RESOURCE_NOT_FOUND: '404',
      THROTTLED: '429',
      UNAUTHORIZED: '401',
      UNSUPPORTED_MEDIA_TYPE: '415',
      WAF_FILTERED: '403',
    });
    // A status on DEFAULT_4XX would replace the status of every 4XX type not configured.
    expect(configured.has('DEFAULT_4XX')).toBe(false);
    expect(configured.has('DEFAULT_5XX')).toBe(false);
  });

  it('attaches no request validator (nothing to validate: no required parameters, no models)', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    for (const [, method] of ofType('AWS::ApiGateway::Method')) expect(method.Properties.RequestValidatorId).toBeUndefined();
  });

  it('writes access logs without the Authorization header', () => {
    const stage = ofType('AWS::ApiGateway::Stage')[0]?.[1];
    const format = String((stage?.Properties.AccessLogSetting as { Format: string }).Format);
    expect(format).toContain('$context.requestId');
    expect(format.toLowerCase()).not.toContain('authorization');
  });

  it('alarms on 5xx, throttling, authorizer errors, DynamoDB throttles and dead letters', () => {
    const descriptions = ofType('AWS::CloudWatch::Alarm').map(([, a]) => String(a.Properties.AlarmDescription));
    for (const word of ['5xx', '429', 'authorizer', 'DynamoDB', 'stream']) {
      expect(descriptions.some((d) => d.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    }
  });
});
