/** cdk-nag AwsSolutions and Serverless packs: the stack passes with only the acknowledged, reasoned findings (lib/nag-suppressions.ts). */
import { describe, expect, it } from '@jest/globals';
import { App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp, testStack } from './stack-fixture';

function synthWithNag(extra?: (stack: ScimStack) => void, build: (app: App) => ScimStack = testStack): () => void {
  const app = testApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  const stack = build(app);
  extra?.(stack);
  return () => app.synth();
}

describe('cdk-nag AwsSolutions and Serverless', () => {
  it('passes for the app stack', () => {
    expect(synthWithNag()).not.toThrow();
  });

  it('passes with every operations option on (custom domain, backup with a copy, account logging role, WAF)', () => {
    const stacks: ScimStack[] = [];
    const build = (app: App) => {
      const stack = new ScimStack(app, 'AllOptions', {
        tenants: TEST_TENANTS,
        endpoint: {
          customDomain: {
            domainName: 'scim.vendor.example',
            certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
          },
          alarms: { alarmEmail: 'ops@vendor.example' },
          backup: { copyTo: { vaultArn: 'arn:aws:backup:eu-central-1:444455556666:backup-vault:scim-copies' } },
          apiGatewayAccountLogging: true,
          waf: {},
        },
      });
      stacks.push(stack);
      return stack;
    };
    expect(synthWithNag(undefined, build)).not.toThrow();
    // The checks saw the web ACL and its stage association.
    expect(stacks.map((stack) => stack.endpoint.waf?.webAcl.node.path)).toEqual(['AllOptions/Scim/Waf/WebAcl']);
  });

  it('fails for a finding nobody acknowledged (the check is live)', () => {
    // A queue without a DLQ is a finding; only the stream DLQ is acknowledged, by reason.
    expect(synthWithNag((stack) => new sqs.Queue(stack, 'Unreviewed', { enforceSSL: false }))).toThrow();
  });
});
