/**
 * Rate tiers in the template (lib/rate-tiers.ts, docs/throttling.md): one usage plan per tier with the
 * props' throttle, on the stage, without keys; tiers checked at synth; and the IAM of the functions that
 * give tenants their keys: API keys and the keys of THIS stack's tier plans only, for the seed function
 * and the admin API function only (`rateTiers.grantManage`).
 */
import { describe, expect, it } from '@jest/globals';
import { ScimStack } from '../../lib/scim-stack';
import { testApp, testStack, TEST_TENANTS, testTemplate } from './stack-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };
interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const stack = testStack();
const resources = testTemplate(stack).toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const tierPlanIds = Object.values(stack.endpoint.rateTiers.plans).map(idOf);
const sharedPlanId = idOf(stack.endpoint.rateTiers.sharedPlan);

/** Role logical id → its policies' statements that allow an apigateway action. */
function apiGatewayStatements(): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) =>
      asList(s.Action).some((action) => action.startsWith('apigateway:')),
    );
    for (const role of policy.Properties.Roles as { Ref: string }[]) byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...statements]);
  }
  return new Map([...byRole].filter(([, statements]) => statements.length > 0));
}

const roleOf = (fn: { node: { defaultChild?: unknown } }) =>
  (resources[idOf(fn)]?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
const seedRole = roleOf(stack.onboarding.seedFunction);
const adminRole = roleOf(stack.endpoint.adminApi.adminFunction);

describe('tier usage plans', () => {
  it('one per tier, on the stage, with the throttle of the props, and no key in the template', () => {
    expect(Object.keys(stack.endpoint.rateTiers.plans).sort()).toEqual(['large', 'standard']);
    const throttles = tierPlanIds.map((id) => resources[id]?.Properties.Throttle);
    expect(throttles).toEqual(
      expect.arrayContaining([
        { RateLimit: 50, BurstLimit: 100 },
        { RateLimit: 200, BurstLimit: 400 },
      ]),
    );
    const linked = ofType('AWS::ApiGateway::UsagePlanKey').map(([, link]) => (link.Properties.UsagePlanId as { Ref: string }).Ref);
    expect(linked).toEqual([sharedPlanId]);
  });

  it("refuses a tier under Entra's 25 requests/s, a bad name, and a default that is no tier", () => {
    const build = (endpoint: ConstructorParameters<typeof ScimStack>[2]['endpoint']) => () =>
      new ScimStack(testApp(), 'Tiers', { tenants: TEST_TENANTS, endpoint: { ...endpoint, defaultRateTier: 'standard' } });
    expect(build({ rateTiers: { standard: { rateLimit: 20, burstLimit: 40 } } })).toThrow(/at least 25/);
    expect(build({ rateTiers: { standard: { rateLimit: 50, burstLimit: 100 }, 'Big Tier': { rateLimit: 50, burstLimit: 100 } } })).toThrow(
      /not a tier name/,
    );
    expect(
      () => new ScimStack(testApp(), 'NoDefault', { tenants: [], endpoint: { rateTiers: { gold: { rateLimit: 50, burstLimit: 50 } } } }),
    ).toThrow(/defaultRateTier "standard" is not one of the tiers/);
  });
});

describe('who may manage tenant keys', () => {
  const statements = apiGatewayStatements();

  it("only the tenant service's functions (the seed and the admin API) have any API Gateway permission, the same", () => {
    expect([...statements.keys()].sort()).toEqual([seedRole, adminRole].sort());
    const shape = (role: string) => JSON.stringify((statements.get(role) ?? []).map((s) => [s.Action, s.Resource]));
    expect(shape(adminRole)).toBe(shape(seedRole));
  });

  it('API keys: list and create on /apikeys, delete on /apikeys/*; plan keys: of the tier plans only; plans: list only', () => {
    const rows = (statements.get(seedRole) ?? []).map((s) => ({ actions: asList(s.Action).sort(), resources: JSON.stringify(s.Resource) }));
    const apiKeys = rows.filter((r) => r.resources.includes('/apikeys'));
    expect(apiKeys.map((r) => [r.actions, r.resources.includes('/apikeys/*')])).toEqual(
      expect.arrayContaining([
        [['apigateway:GET', 'apigateway:POST'], false],
        [['apigateway:DELETE'], true],
      ]),
    );
    const planKeys = rows.filter((r) => r.resources.includes('/usageplans/'));
    expect(planKeys.map((r) => r.actions)).toEqual(expect.arrayContaining([['apigateway:GET', 'apigateway:POST'], ['apigateway:DELETE']]));
    for (const row of planKeys) {
      for (const plan of tierPlanIds) expect(row.resources).toContain(plan);
      expect(row.resources).not.toContain(sharedPlanId);
      expect(row.resources).toMatch(/\/keys/);
    }
    // Listing the plans (GetUsagePlans, to find the tier plans' ids by name) is the one read beyond them.
    expect(rows.filter((r) => /usageplans"/.test(r.resources))).toEqual([{ actions: ['apigateway:GET'], resources: expect.any(String) }]);
    for (const row of rows) expect(row.resources).not.toMatch(/"\*"|::\/\*|restapis/);
    expect(rows).toHaveLength(5);
  });

  it('gives the seed function the tier plans, the default tier and the salt the authorizer uses', () => {
    const env = (resources[idOf(stack.onboarding.seedFunction)]?.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const names = JSON.parse(String(env.SCIM_RATE_TIERS)) as Record<string, string>;
    expect(Object.keys(names).sort()).toEqual(['large', 'standard']);
    for (const [tier, name] of Object.entries(names))
      expect(resources[idOf(stack.endpoint.rateTiers.plans[tier] as never)]?.Properties.UsagePlanName).toBe(name);
    expect(env.SCIM_DEFAULT_RATE_TIER).toBe('standard');
    const authorizerEnv = (
      resources[idOf(stack.endpoint.functions.authorizer as never)]?.Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.USAGE_KEY_SALT).toBe(authorizerEnv.USAGE_KEY_SALT);
  });
});
