/** cdk-nag AwsSolutions: the stack passes with only the acknowledged, reasoned findings. */
import { describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { testApp, testStack } from './stack-fixture';

function synthWithNag(extra?: (stack: ReturnType<typeof testStack>) => void): () => void {
  const app = testApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = testStack(app);
  extra?.(stack);
  return () => app.synth();
}

describe('cdk-nag AwsSolutions', () => {
  it('passes for the app stack', () => {
    expect(synthWithNag()).not.toThrow();
  });

  it('fails for a finding nobody acknowledged (the check is live)', () => {
    // A queue without a DLQ is a finding; only the stream DLQ is acknowledged, by reason.
    expect(synthWithNag((stack) => new sqs.Queue(stack, 'Unreviewed', { enforceSSL: false }))).toThrow();
  });
});
