/**
 * The tenant purge in the template (lib/tenant-purge-queue.ts): one queue with a dead-letter queue for
 * every tenant, the purge function fed one message at a time, allowed to send to its own queue (as
 * the admin API is) and nothing else of SQS, its quarantine derived from the authorizer cache TTL,
 * and an alarm on the dead letters naming its runbook entry.
 */
import { describe, expect, it } from '@jest/globals';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ScimEndpoint } from '../../lib/scim-endpoint';
import { testApp, testStack, testTemplate } from './stack-fixture';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resources = (testTemplate(testStack()).toJSON() as { Resources: Resources }).Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idStarting = (prefix: string, type: string) => ofType(type).find(([id]) => id.startsWith(prefix))?.[0] ?? '';
const variablesOf = (id: string) => (resources[id]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

const queue = idStarting('ScimTenantPurgeQueue', 'AWS::SQS::Queue');
const deadLetters = idStarting('ScimTenantPurgeDeadLetters', 'AWS::SQS::Queue');
const purge = idStarting('ScimpurgeFunction', 'AWS::Lambda::Function');
const admin = idStarting('ScimadminFunction', 'AWS::Lambda::Function');

/** SQS actions a function's role is allowed, with their resources. */
function sqsGrants(functionId: string): { actions: string[]; resources: string } {
  const role = JSON.stringify((resources[functionId]?.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
  const statements = ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
  return { actions: statements.flatMap((s) => [s.Action].flat()).sort(), resources: JSON.stringify(statements.map((s) => s.Resource)) };
}

describe('tenant purge', () => {
  it('is one queue whose failures go to an alarmed dead-letter queue after 5 receives', () => {
    expect(ofType('AWS::SQS::Queue')).toHaveLength(2);
    expect(resources[queue]?.Properties).toMatchObject({
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: 720,
      SqsManagedSseEnabled: true,
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) =>
      JSON.stringify(a.Properties.Dimensions ?? null).includes(deadLetters),
    );
    expect(alarms.map(([, a]) => [a.Properties.MetricName, a.Properties.Threshold])).toEqual([['ApproximateNumberOfMessagesVisible', 1]]);
    expect(String(alarms[0]?.[1].Properties.AlarmDescription)).toContain('docs/operations.md#tenant-purge-dead-letters');
  });

  it('feeds the purge function one message at a time, reporting failures per message', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes(queue),
    );
    expect(mappings.map(([, m]) => m.Properties)).toEqual([
      expect.objectContaining({
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      }),
    ]);
    expect(resources[purge]?.Properties.Timeout).toBe(120);
  });

  it('lets the purge and admin functions send to the queue (the URL in their environment), and nothing more of SQS', () => {
    for (const fn of [purge, admin]) {
      expect(variablesOf(fn).TENANT_PURGE_QUEUE_URL).toEqual({ Ref: queue });
      const grants = sqsGrants(fn);
      expect(grants.resources).toContain(queue);
      expect(grants.resources).not.toContain(deadLetters);
      expect(grants.actions.filter((action) => !['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(action))).toEqual(
        fn === purge ? ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'] : [],
      );
    }
  });

  it('waits out the authorizer cache TTL and 90 s more before its last sweep', () => {
    expect(variablesOf(purge).TENANT_PURGE_QUARANTINE_SECONDS).toBe('390');
    const stack = new Stack(testApp(), 'ShortCache');
    new ScimEndpoint(stack, 'Scim', { authorizerCacheTtl: Duration.seconds(60) });
    const short = (Template.fromStack(stack).toJSON() as { Resources: Resources }).Resources;
    const fn = Object.entries(short).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ScimpurgeFunction'))?.[1];
    expect((fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables.TENANT_PURGE_QUARANTINE_SECONDS).toBe('150');
  });
});
