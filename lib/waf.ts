/**
 * ScimWaf: an optional AWS WAF web ACL on the API stage (ScimEndpointProps.waf). API Gateway's
 * throttles count requests after they are admitted; the WAF drops a flooding source before it
 * reaches the stage, the authorizer or the token function:
 *  - a rate-based rule per source IP on the token endpoint (tokens are needed about once an hour);
 *  - a rate-based rule per source IP on everything (set above what one IdP egress address sends:
 *    Entra's provisioning service sends many tenants' traffic from shared addresses);
 *  - AWS's managed common rule set, with its 8 KB body-size rule counting instead of blocking
 *    (SCIM Bulk and large group PATCHes are legitimately bigger; the API limits bodies to 1 MB itself).
 * Blocked requests get API Gateway's WAF_FILTERED response (403, SCIM body). Cost: docs/capacity.md#waf.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ScimWafProps {
  /** Requests one source IP may send to the token endpoint per 5 minutes before WAF blocks it. @default 300 */
  readonly tokenRequestsPerSourcePer5Minutes?: number;
  /** Requests one source IP may send to the whole API per 5 minutes before WAF blocks it (100 rps sustained). @default 30000 */
  readonly requestsPerSourcePer5Minutes?: number;
  /** Add AWS's managed common rule set (AWSManagedRulesCommonRuleSet). @default true */
  readonly managedCommonRules?: boolean;
}

export class ScimWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ScimWafProps & { readonly stage: apigateway.Stage }) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'TokenEndpointPerSource',
        priority: 0,
        action: { block: {} },
        visibilityConfig: visibility('TokenEndpointPerSource'),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.tokenRequestsPerSourcePer5Minutes ?? 300,
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'ENDS_WITH',
                searchString: '/oauth2/token',
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        },
      },
      {
        name: 'ApiPerSource',
        priority: 1,
        action: { block: {} },
        visibilityConfig: visibility('ApiPerSource'),
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.requestsPerSourcePer5Minutes ?? 30_000 } },
      },
    ];
    if (props.managedCommonRules ?? true) {
      rules.push({
        name: 'AwsCommonRules',
        priority: 2,
        overrideAction: { none: {} },
        visibilityConfig: visibility('AwsCommonRules'),
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
          },
        },
      });
    }
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'SCIM endpoint: per-source rate limits and AWS managed common rules',
      visibilityConfig: visibility('ScimWebAcl'),
      rules,
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
