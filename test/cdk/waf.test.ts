/**
 * The optional WAF (ScimEndpointProps.waf, lib/waf.ts) in the synthesized template: off by default;
 * when on, one regional web ACL on the API stage with a per-source rate rule on the token endpoint,
 * one on the whole API, and AWS's managed common rule set with its 8 KB body rule only counting.
 */
import { describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp, testStack, testTemplate } from './stack-fixture';

describe('WAF', () => {
  it('is not there by default', () => {
    const template = testTemplate(testStack());
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('with waf: {} guards the stage: per-source rate rules and the managed common rules', () => {
    const stack = new ScimStack(testApp(), 'WafScim', {
      tenants: TEST_TENANTS,
      endpoint: { waf: { requestsPerSourcePer5Minutes: 20_000 } },
    });
    const template = testTemplate(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'TokenEndpointPerSource',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: 'IP',
              Limit: 300,
              ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ SearchString: '/oauth2/token' }) },
            }),
          },
        }),
        Match.objectLike({ Name: 'ApiPerSource', Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 20_000 } } }),
        Match.objectLike({
          Name: 'AwsCommonRules',
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
      ],
    });
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0] as {
      Properties: Record<string, unknown>;
    };
    const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0] as string;
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(stageId);
    expect(JSON.stringify(association.Properties.WebACLArn)).toContain('WebAcl');
  });
});
