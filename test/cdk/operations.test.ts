/**
 * The operations options of issue #26 in the synthesized template: alarms that reach someone (and
 * each has a runbook entry), the dashboard, the custom domain (and the URLs that use it), the
 * failed-batch bucket, the backup plan, an imported table, the account logging role, SDK tracing,
 * and the CDK app's context values.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { endpointPropsFromContext, type ContextKey } from '../../lib/app-context';
import { RUNBOOK_ENTRIES } from '../../lib/alarms';
import { PROJECT_ROOT, type ScimEndpointProps } from '../../lib/scim-endpoint';
import { ScimStack } from '../../lib/scim-stack';
import { STACK_OUTPUTS } from '../../lib/stack-outputs';
import { TEST_TENANTS, testApp } from './stack-fixture';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;
const synth = (endpoint: ScimEndpointProps = {}, name = 'Ops') => {
  const stack = new ScimStack(testApp(), name, { tenants: TEST_TENANTS, endpoint });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return { stack, template, resources, outputs, ofType };
};

const PAGER = 'arn:aws:sns:eu-west-1:111122223333:pager';
const CERTIFICATE = 'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000';
const defaults = synth();
const withDomain = synth(
  { customDomain: { domainName: 'scim.vendor.example', certificateArn: CERTIFICATE, disableExecuteApiEndpoint: true } },
  'Domain',
);

describe('alarms', () => {
  const alarms = defaults.ofType('AWS::CloudWatch::Alarm');
  const topics = defaults.ofType('AWS::SNS::Topic');

  it('notify an SNS topic created by default, when they fire and when they clear', () => {
    expect(topics).toHaveLength(1);
    const topicRef = { Ref: topics[0]?.[0] };
    expect(alarms.length).toBeGreaterThan(20);
    for (const [id, alarm] of alarms) {
      expect([id, alarm.Properties.AlarmActions]).toEqual([id, [topicRef]]);
      expect([id, alarm.Properties.OKActions]).toEqual([id, [topicRef]]);
    }
    expect(defaults.outputs.AlarmTopicArn?.Value).toEqual(topicRef);
  });

  it('reach alarms other constructs add later, and extra actions too', () => {
    const stack = new ScimStack(testApp(), 'Later', {
      tenants: TEST_TENANTS,
      endpoint: { alarmActions: [new actions.SnsAction(sns.Topic.fromTopicArn(new Stack(), 'Pager', PAGER))] },
    });
    new cloudwatch.Alarm(stack, 'AddedLater', { metric: stack.endpoint.api.metricCount(), threshold: 1, evaluationPeriods: 1 });
    const added = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.absent() } });
    expect(Object.values(added).map((a) => (a as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions)).toEqual([
      [{ Ref: expect.stringMatching(/AlarmsTopic/) }, PAGER],
    ]);
  });

  it('subscribe an email address, or use an existing topic instead of creating one', () => {
    synth({ alarms: { alarmEmail: 'ops@vendor.example' } }, 'Email').template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@vendor.example',
    });
    const existing = synth({ alarms: { alarmTopicArn: PAGER } }, 'Existing');
    expect(existing.ofType('AWS::SNS::Topic')).toHaveLength(0);
    for (const [, alarm] of existing.ofType('AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([PAGER]);
    }
  });

  const alarmOn = (metricName: string, dimension?: RegExp) =>
    alarms.filter(
      ([, a]) => a.Properties.MetricName === metricName && (!dimension || dimension.test(JSON.stringify(a.Properties.Dimensions ?? []))),
    );

  it('cover errors and throttles of every function, the authorizer and the token function included', () => {
    for (const name of ['users', 'groups', 'discovery', 'search', 'bulk', 'authorizer', 'token', 'janitor', 'publisher']) {
      const fn = new RegExp(`${name}Function`);
      expect([name, alarmOn('Errors', fn).length]).toEqual([name, 1]);
      expect([name, alarmOn('Throttles', fn).length]).toEqual([name, 1]);
    }
  });

  it('cover the stream consumers: iterator age, batches stored for redrive, records dropped', () => {
    // The table stream's consumers (the tenant purge's queue mapping has its dead-letter queue's alarm instead).
    const mappings = defaults
      .ofType('AWS::Lambda::EventSourceMapping')
      .filter(([, mapping]) => !JSON.stringify(mapping.Properties.EventSourceArn).includes('TenantPurgeQueue'))
      .map(([id]) => id);
    expect(mappings.length).toBeGreaterThanOrEqual(2);
    expect(alarmOn('IteratorAge')).toHaveLength(mappings.length);
    for (const metric of ['OnFailureDestinationDeliveredEventCount', 'DroppedEventCount']) {
      const watched = alarmOn(metric).map(([, a]) => JSON.stringify(a.Properties.Dimensions));
      expect(watched).toHaveLength(mappings.length);
      for (const mapping of mappings)
        expect(watched.some((d) => d.includes(`"${mapping}"`) && d.includes('EventSourceMappingUUID'))).toBe(true);
    }
  });

  it('cover 5xx, a 401 spike, 429s, p99 latency and DynamoDB throttles', () => {
    expect(alarmOn('5XXError')).toHaveLength(1);
    expect(alarmOn('Unauthorized')).toHaveLength(1);
    expect(alarmOn('Throttled')).toHaveLength(1);
    expect(alarmOn('Latency')[0]?.[1].Properties).toMatchObject({ ExtendedStatistic: 'p99', EvaluationPeriods: 3 });
    defaults.template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.status = "401" }' });
    expect(alarms.some(([, a]) => JSON.stringify(a.Properties).includes('ThrottledRequests'))).toBe(true);
  });

  it('each name a runbook entry that docs/operations.md has', () => {
    const runbook = readFileSync(join(PROJECT_ROOT, 'docs/operations.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) =>
        String(heading)
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .trim()
          .replace(/ /g, '-'),
      ),
    );
    for (const entry of RUNBOOK_ENTRIES) expect([entry, anchors.has(entry)]).toEqual([entry, true]);
    for (const [id, alarm] of alarms) {
      const entry = /docs\/operations\.md#([a-z0-9-]+)/.exec(String(alarm.Properties.AlarmDescription))?.[1];
      expect([id, entry !== undefined && anchors.has(entry)]).toEqual([id, true]);
    }
  });
});

describe('dashboard', () => {
  it('is on by default, with a row per function and the stream delivery figures', () => {
    const [dashboard] = defaults.ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.[1].Properties.DashboardBody);
    for (const name of ['users', 'groups', 'discovery', 'search', 'bulk', 'authorizer', 'token', 'janitor', 'publisher']) {
      expect(body).toContain(`${name}: invocations`);
    }
    for (const figure of ['IteratorAge', 'OnFailureDestinationDeliveredEventCount', 'Latency', '5XXError', 'Throttles'])
      expect(body).toContain(figure);
  });

  it('can be left out', () => {
    expect(synth({ dashboard: false }, 'NoDashboard').ofType('AWS::CloudWatch::Dashboard')).toHaveLength(0);
  });
});

describe('custom domain', () => {
  it('is a Regional domain with TLS 1.2 minimum and the given certificate, mapped at the root to the stage', () => {
    withDomain.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'scim.vendor.example',
      RegionalCertificateArn: CERTIFICATE,
      SecurityPolicy: 'TLS_1_2',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const [mapping] = withDomain.ofType('AWS::ApiGateway::BasePathMapping');
    expect(mapping?.[1].Properties.BasePath).toBeUndefined();
    expect(mapping?.[1].Properties.Stage).toEqual({ Ref: expect.stringMatching(/DeploymentStage/) });
  });

  it('can turn the execute-api endpoint off', () => {
    withDomain.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    defaults.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: false });
  });

  // What the functions then answer (SCIM, connection values, RFC 8414 metadata) is test/integration/public-origin.test.ts's.
  it("is in the URLs the stack prints and in every function's base URLs (SCIM_PUBLIC_ORIGIN, SSF_ISSUER)", () => {
    // No output per tenant since #22 (tenants are data): a Tenant URL is <ApiUrl>tenants/<id>/scim/v2.
    expect(withDomain.outputs[STACK_OUTPUTS.apiUrl]?.Value).toBe('https://scim.vendor.example/');
    expect(withDomain.outputs[STACK_OUTPUTS.ssfIssuer]?.Value).toBe('https://scim.vendor.example');
    const functions = withDomain.ofType('AWS::Lambda::Function').filter(([id]) => !id.includes('Provider'));
    for (const [id, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect([id, variables.SCIM_PUBLIC_ORIGIN]).toEqual([id, 'https://scim.vendor.example']);
      if ('SSF_ISSUER' in variables) expect([id, variables.SSF_ISSUER]).toEqual([id, 'https://scim.vendor.example']);
    }
    const issuers = functions.filter(([, fn]) => 'SSF_ISSUER' in (fn.Properties.Environment as { Variables: object }).Variables);
    expect(issuers.length).toBeGreaterThanOrEqual(3); // admin, outbox, delivery (and the SSF function)
    for (const [, fn] of defaults.ofType('AWS::Lambda::Function'))
      expect(JSON.stringify(fn.Properties)).not.toContain('SCIM_PUBLIC_ORIGIN');
  });

  it('creates a DNS-validated certificate and the alias record in a hosted zone', () => {
    const { template } = synth({ customDomain: { domainName: 'scim.vendor.example', hostedZoneId: 'Z0123456789ABC' } }, 'Zone');
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'scim.vendor.example',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'scim.vendor.example', HostedZoneId: 'Z0123456789ABC' }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Name: 'scim.vendor.example.', HostedZoneId: 'Z0123456789ABC' });
  });

  it('refuses a domain without a certificate or zone, and a malformed name or ARN', () => {
    expect(() => synth({ customDomain: { domainName: 'scim.vendor.example' } }, 'NoCert')).toThrow(/certificate/);
    expect(() => synth({ customDomain: { domainName: 'not a host', certificateArn: CERTIFICATE } }, 'BadName')).toThrow(/host name/);
    expect(() => synth({ customDomain: { domainName: 'scim.vendor.example', certificateArn: 'arn:aws:iam::1:x' } }, 'BadArn')).toThrow(
      /ACM certificate ARN/,
    );
  });
});

describe('failed stream batches', () => {
  it('go whole to a retained, private, TLS-only bucket, and the consumers may only put objects there', () => {
    const [[bucketId, bucket] = []] = defaults.ofType('AWS::S3::Bucket');
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [{ Prefix: 'redriven/', ExpirationInDays: 30, Status: 'Enabled' }] },
    });
    const s3Actions = defaults
      .ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource).includes(String(bucketId)))
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect([...new Set(s3Actions)].sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
    defaults.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('backup', () => {
  it('is off by default', () => {
    expect(defaults.ofType('AWS::Backup::BackupPlan')).toHaveLength(0);
  });

  it('snapshots the table on the schedule, keeps them, and copies them to another account or Region', () => {
    const copyVault = 'arn:aws:backup:eu-central-1:444455556666:backup-vault:scim-copies';
    const { template, ofType } = synth({ backup: { retention: Duration.days(90), copyTo: { vaultArn: copyVault } } }, 'Backup');
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 3 * * ? *)',
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [{ DestinationBackupVaultArn: copyVault, Lifecycle: { DeleteAfterDays: 90 } }],
          }),
        ],
      },
    });
    const [[tableId] = []] = ofType('AWS::DynamoDB::Table');
    const [[, selection] = []] = ofType('AWS::Backup::BackupSelection');
    expect(JSON.stringify(selection?.Properties.BackupSelection)).toContain(`"${String(tableId)}"`);
    expect(ofType('AWS::Backup::BackupVault')[0]?.[1].DeletionPolicy).toBe('Retain');
  });
});

describe('existing table (restore runbook)', () => {
  it('runs on the named table and its stream, and creates none', () => {
    const streamArn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/scim-restored/stream/2026-12-06T00:00:00.000';
    const { template, ofType } = synth({ existingTable: { tableName: 'scim-restored', tableStreamArn: streamArn } }, 'Restored');
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(0);
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping').filter(([id]) => !id.startsWith('ScimpurgeFunction')))
      expect(mapping.Properties.EventSourceArn).toBe(streamArn);
    for (const [, fn] of ofType('AWS::Lambda::Function').filter(([id]) => !id.includes('Provider'))) {
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.TABLE_NAME).toBe('scim-restored');
    }
    expect(JSON.stringify(template.toJSON())).toContain('table/scim-restored');
  });
});

describe('API Gateway account logging role', () => {
  it('is left alone unless asked for', () => {
    expect(defaults.ofType('AWS::ApiGateway::Account')).toHaveLength(0);
    expect(synth({ apiGatewayAccountLogging: true }, 'Logging').ofType('AWS::ApiGateway::Account')).toHaveLength(1);
  });
});

describe('CDK app context', () => {
  const props = (context: Partial<Record<ContextKey, string>>) => endpointPropsFromContext((key) => context[key]);

  it('maps the documented keys to props', () => {
    expect(props({})).toEqual({});
    expect(props({ domainName: 'scim.vendor.example', certificateArn: CERTIFICATE, alarmEmail: 'ops@vendor.example' })).toEqual({
      customDomain: { domainName: 'scim.vendor.example', certificateArn: CERTIFICATE },
      alarms: { alarmEmail: 'ops@vendor.example' },
    });
    expect(props({ domainName: 'scim.vendor.example', hostedZoneId: 'Z1', disableExecuteApiEndpoint: 'true' }).customDomain).toEqual({
      domainName: 'scim.vendor.example',
      hostedZoneId: 'Z1',
      disableExecuteApiEndpoint: true,
    });
    expect(props({ backupRetentionDays: '90' }).backup?.retention?.toDays()).toBe(90);
    expect(props({ dashboard: 'false', apiGatewayAccountLogging: 'true', sdkTracing: 'true' })).toEqual({
      dashboard: false,
      apiGatewayAccountLogging: true,
      sdkTracing: true,
    });
    expect(props({ existingTableName: 't', existingTableStreamArn: 's' }).existingTable).toEqual({ tableName: 't', tableStreamArn: 's' });
  });

  it('refuses malformed values by name', () => {
    expect(() => props({ alarmEmail: 'nobody' })).toThrow(/alarmEmail/);
    expect(() => props({ dashboard: 'yes' })).toThrow(/dashboard/);
    expect(() => props({ backupRetentionDays: 'ten' })).toThrow(/backupRetentionDays/);
    expect(() => props({ existingTableName: 't' })).toThrow(/existingTableStreamArn/);
  });

  it('is read by bin/app.ts', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'bin/app.ts'), 'utf8')).toContain(
      'endpointPropsFromContext((key) => app.node.tryGetContext(key))',
    );
  });
});

describe('cfn-lint', () => {
  it('passes the template with every operations option on (.cfnlintrc.yaml as for the app)', () => {
    const { template } = synth(
      {
        customDomain: { domainName: 'scim.vendor.example', hostedZoneId: 'Z0123456789ABC', disableExecuteApiEndpoint: true },
        alarms: { alarmEmail: 'ops@vendor.example' },
        backup: { copyTo: { vaultArn: 'arn:aws:backup:eu-central-1:444455556666:backup-vault:scim-copies' } },
        apiGatewayAccountLogging: true,
        sdkTracing: true,
        waf: {},
      },
      'Lint',
    );
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const dir = mkdtempSync(join(tmpdir(), 'scim-ops-lint-'));
    try {
      const file = join(dir, 'ops.template.json');
      writeFileSync(file, JSON.stringify(template.toJSON()));
      const result = spawnSync('cfn-lint', ['--', file], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      if (result.error) throw new Error(`cfn-lint could not run (pip install cfn-lint): ${result.error.message}`);
      expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
