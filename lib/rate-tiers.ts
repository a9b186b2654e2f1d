/**
 * RateTierPlans: the few usage plans every tenant's throttle comes from (docs/throttling.md). One
 * plan per tier on the API's stage, created here with no keys: each tenant's own key is added at
 * run time by the tenant service (functions/tenants/api-gateway-rate-tiers.ts), so the template is
 * the same for 0 or 10,000 tenants. Keys in one plan are throttled separately: a tier is a bucket
 * size, not a shared bucket. The shared plan (one stack-owned key) is for tenants without a key of
 * their own: items written before tiers, and the `shared` tier.
 *
 * `grantManage(fn)` gives a function what managing tenants' keys needs and nothing more: the plans'
 * names in its environment, and IAM for the API keys and for the keys of these plans only. `portConfig()`
 * is the same for `scim-admin --stack` (the stack's RateTiers output).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RATE_TIER_PATTERN, SHARED_RATE_TIER } from '../functions/tenants/rate-tier';
import { sharedUsageKey, USAGE_KEY_SALT_ENV } from '../functions/tenants/usage-key';
import type { ApiGatewayRateTiersConfig } from '../functions/tenants/api-gateway-rate-tiers';

export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Entra needs at least 25 requests/s per tenant (Microsoft's SCIM validation). */
export const MIN_TENANT_RATE = 25;

export const DEFAULT_RATE_TIERS: Readonly<Record<string, ThrottleSettings>> = {
  standard: { rateLimit: 50, burstLimit: 100 },
  large: { rateLimit: 200, burstLimit: 400 },
};

export interface RateTierPlansProps {
  readonly api: apigateway.RestApi;
  /** Tier name → each tenant's own bucket in it. */
  readonly tiers: Readonly<Record<string, ThrottleSettings>>;
  readonly defaultTier: string;
  /** The one bucket of tenants without a key of their own. */
  readonly sharedThrottle: ThrottleSettings;
  /** The deployment's usage key salt (functions/tenants/usage-key.ts). */
  readonly salt: string;
}

export class RateTierPlans extends Construct {
  /** By tier name. */
  readonly plans: Readonly<Record<string, apigateway.UsagePlan>>;
  readonly sharedPlan: apigateway.UsagePlan;
  readonly defaultTier: string;
  private readonly salt: string;

  constructor(scope: Construct, id: string, props: RateTierPlansProps) {
    super(scope, id);
    const names = Object.keys(props.tiers);
    if (names.length === 0) throw new Error('rateTiers: give at least one tier');
    for (const name of names) {
      if (!RATE_TIER_PATTERN.test(name) || name === SHARED_RATE_TIER)
        throw new Error(`rateTiers: "${name}" is not a tier name (${RATE_TIER_PATTERN}, not "${SHARED_RATE_TIER}")`);
    }
    if (![...names, SHARED_RATE_TIER].includes(props.defaultTier))
      throw new Error(`defaultRateTier "${props.defaultTier}" is not one of the tiers: ${names.join(', ')}`);
    this.defaultTier = props.defaultTier;
    this.salt = props.salt;
    const stage = { api: props.api, stage: props.api.deploymentStage };
    this.plans = Object.fromEntries(
      Object.entries(props.tiers).map(([name, throttle]) => {
        checkThrottle(`rate tier ${name}`, throttle);
        const plan = props.api.addUsagePlan(`Tier-${name}`, {
          name: this.planName(name),
          description: `SCIM rate tier ${name}: each tenant's own bucket of ${throttle.rateLimit} rps, burst ${throttle.burstLimit}`,
          throttle,
          apiStages: [stage],
        });
        return [name, plan];
      }),
    );
    checkThrottle('sharedTenantThrottle', props.sharedThrottle);
    // Construct ids as before tiers (ScimEndpoint's), so an upgrade keeps the shared plan and its key.
    this.sharedPlan = props.api.addUsagePlan('UsagePlan-Shared', {
      description: 'SCIM tenants without a usage key of their own (one bucket for all of them)',
      throttle: props.sharedThrottle,
      apiStages: [stage],
    });
    this.sharedPlan.addApiKey(
      props.api.addApiKey('UsageKey-Shared', {
        value: sharedUsageKey(props.salt),
        description: 'Usage identifier of the SCIM tenants on the shared plan (not a credential)',
      }),
    );
  }

  /** The name of a tier's plan: what SCIM_RATE_TIERS carries (functions look the ids up, see grantManage). */
  planName(tier: string): string {
    return `${Stack.of(this).stackName}-scim-tier-${tier}`;
  }

  /** What a tenant service outside the stack needs (the stack's RateTiers output, read by `scim-admin --stack`): the port's config. */
  portConfig(): ApiGatewayRateTiersConfig {
    return {
      plans: Object.fromEntries(Object.keys(this.plans).map((tier) => [tier, this.planName(tier)])),
      defaultTier: this.defaultTier,
      salt: this.salt,
    };
  }

  /**
   * The environment and IAM a function needs to give tenants their keys (functions/tenants/api-gateway-rate-tiers.ts).
   * The environment names the plans (no reference), and the IAM is a policy of its own that the function
   * does not depend on: the admin API function is integrated in the API, so a reference from it to a plan
   * (which depends on the stage, which depends on the API's deployment) would close a cycle.
   */
  grantManage(fn: lambda.Function): void {
    const stack = Stack.of(this);
    const config = this.portConfig();
    fn.addEnvironment('SCIM_RATE_TIERS', JSON.stringify(config.plans));
    fn.addEnvironment('SCIM_DEFAULT_RATE_TIER', config.defaultTier);
    fn.addEnvironment(USAGE_KEY_SALT_ENV, config.salt);
    if (!fn.role) throw new Error('grantManage: the function needs an execution role');
    const arn = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
    const planKeys = Object.values(this.plans).map((plan) => arn(`/usageplans/${plan.usagePlanId}/keys`));
    const policy = new iam.Policy(this, `ManageKeys-${fn.node.id}`, {
      roles: [fn.role],
      statements: [
        // GetUsagePlans: the plans' ids from their names.
        new iam.PolicyStatement({ sid: 'FindTierPlans', actions: ['apigateway:GET'], resources: [arn('/usageplans')] }),
        new iam.PolicyStatement({ sid: 'TenantUsageKeys', actions: ['apigateway:GET', 'apigateway:POST'], resources: [arn('/apikeys')] }),
        // API key ids are generated: deletion cannot name them in advance. The code deletes only keys it found by their exact name.
        new iam.PolicyStatement({ sid: 'DeleteTenantUsageKeys', actions: ['apigateway:DELETE'], resources: [arn('/apikeys/*')] }),
        new iam.PolicyStatement({ sid: 'TierPlanKeys', actions: ['apigateway:GET', 'apigateway:POST'], resources: planKeys }),
        new iam.PolicyStatement({ sid: 'LeaveTierPlans', actions: ['apigateway:DELETE'], resources: planKeys.map((keys) => `${keys}/*`) }),
      ],
    });
    const reason =
      "A tenant key id is generated by API Gateway when the tenant is created, so it cannot be named in advance: deletion is scoped to API keys (the code deletes only the key it found by its exact name) and to the keys of this stack's tier plans.";
    const partitionAndRegion = 'arn:<AWS::Partition>:apigateway:<AWS::Region>::';
    for (const resource of [
      '/apikeys/*',
      ...Object.values(this.plans).map(
        (plan) => `/usageplans/<${stack.getLogicalId(plan.node.defaultChild as apigateway.CfnUsagePlan)}>/keys/*`,
      ),
    ])
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${partitionAndRegion}${resource}]`, reason });
  }
}

function checkThrottle(what: string, throttle: ThrottleSettings): void {
  if (throttle.rateLimit < MIN_TENANT_RATE) throw new Error(`${what}: Entra needs a rate limit of at least ${MIN_TENANT_RATE} requests/s`);
}
