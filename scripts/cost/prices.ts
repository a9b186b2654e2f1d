/**
 * AWS list prices the cost table (scripts/cost.ts) multiplies by: us-east-1, on-demand, no free
 * tier, read from each service's public pricing page on 2026-12-07. One place, so that a price
 * change is one edit and the docs can say which prices a figure used.
 */
export const PRICES_AS_OF = '2026-12-07, us-east-1 list prices (no free tier)';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const price = (usd: number, unit: string, source: string): Price => ({ usd, unit, source });

export const PRICES = {
  apiRequest: price(3.5e-6, 'REST API request (first 333 million a month)', 'https://aws.amazon.com/api-gateway/pricing/'),
  lambdaRequest: price(0.2e-6, 'Lambda invocation', 'https://aws.amazon.com/lambda/pricing/'),
  lambdaArmGbSecond: price(0.0000133334, 'Lambda GB-second, arm64', 'https://aws.amazon.com/lambda/pricing/'),
  lambdaX86GbSecond: price(0.0000166667, 'Lambda GB-second, x86_64', 'https://aws.amazon.com/lambda/pricing/'),
  dynamoWrite: price(0.625e-6, 'DynamoDB on-demand write request unit', 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
  dynamoRead: price(0.125e-6, 'DynamoDB on-demand read request unit', 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
  logIngestGb: price(0.5, 'CloudWatch Logs GB ingested (standard class)', 'https://aws.amazon.com/cloudwatch/pricing/'),
  logStoreGbMonth: price(0.03, 'CloudWatch Logs GB-month stored', 'https://aws.amazon.com/cloudwatch/pricing/'),
  xrayTrace: price(5e-6, 'X-Ray trace recorded', 'https://aws.amazon.com/xray/pricing/'),
  eventBridgeEvent: price(1e-6, 'EventBridge custom event (64 KB chunk)', 'https://aws.amazon.com/eventbridge/pricing/'),
  kmsKeyMonth: price(1, 'KMS customer managed key per month (+$1 per rotated backing key)', 'https://aws.amazon.com/kms/pricing/'),
  kmsAsymmetricRequest: price(0.15e-4, 'KMS asymmetric request (ECC Sign)', 'https://aws.amazon.com/kms/pricing/'),
  alarmMonth: price(0.1, 'CloudWatch standard-resolution alarm per month', 'https://aws.amazon.com/cloudwatch/pricing/'),
  dashboardMonth: price(3, 'CloudWatch dashboard per month (beyond the 3 free)', 'https://aws.amazon.com/cloudwatch/pricing/'),
  customMetricMonth: price(0.3, 'CloudWatch custom metric per month (first 10,000)', 'https://aws.amazon.com/cloudwatch/pricing/'),
  wafAclMonth: price(5, 'WAF web ACL per month', 'https://aws.amazon.com/waf/pricing/'),
  wafRuleMonth: price(1, 'WAF rule (a managed rule group counts one) per month', 'https://aws.amazon.com/waf/pricing/'),
  wafRequest: price(0.6e-6, 'WAF request inspected', 'https://aws.amazon.com/waf/pricing/'),
} as const;
