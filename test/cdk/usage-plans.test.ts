/**
 * Every method requires an API key from the authorizer (API key source AUTHORIZER), so a tenant
 * works only if the key the authorizer names for it sits in a usage plan on the deployed stage.
 * Checked against the synthesized template with the real authorizer on DynamoDB Local:
 *  - the template's plans are the rate tiers and the shared plan, all on the stage, and the only key
 *    it holds is the shared one; the tier plans are the ones the seed function is told to put keys in;
 *  - a tenant seeded from tenants.json is named its own key, which the seed put in its tier's plan;
 *  - a tenant created with `scim-admin tenants create` (no tier plans in its environment; its token
 *    written to Secrets Manager on moto) is named the shared key;
 *  - an item of a per-tenant stack before #22 (`usagePlan: own`) is named its old key until the
 *    seed moves it to its tier (docs/deploying.md, "Upgrading from per-tenant stacks").
 * The API Gateway side of the keys is test/integration/rate-tiers.test.ts (moto).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { commands } from '../../admin/commands';
import type { Connection } from '../../admin/connection';
import { handler as authorize } from '../../functions/authorizer';
import type { Db } from '../../functions/store/db';
import { putTenant, putToken } from '../../functions/store/tenants';
import { generateToken, hashToken } from '../../functions/credentials/secret-token';
import { applyTenantSeed } from '../../functions/tenants/tenant-seed';
import { sharedUsageKey, tenantUsageKeyOf, USAGE_KEY_SALT_ENV, usageKeyOf } from '../../functions/tenants/usage-key';
import { recordingRateTiers } from '../../local/local-rate-tiers';
import { dropTable, testDb } from '../support/dynamodb';
import { describeWithMoto } from '../support/moto';
import { motoSecrets, type MotoSecrets } from '../support/moto-secrets';
import { testStack, testTemplate } from './stack-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };
const stack = testStack();
const resources = testTemplate(stack).toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [stageId] = ofType('AWS::ApiGateway::Stage').map(([id]) => id);

const plansOnStage = new Set(
  ofType('AWS::ApiGateway::UsagePlan')
    .filter(([, plan]) => (plan.Properties.ApiStages as { Stage: { Ref: string } }[]).some((s) => s.Stage.Ref === stageId))
    .map(([id]) => id),
);

/** Usage plan id → the values of the keys the template puts in it. */
function templateKeysByPlan(): Map<string, string[]> {
  const byPlan = new Map<string, string[]>();
  for (const [, link] of ofType('AWS::ApiGateway::UsagePlanKey')) {
    const plan = (link.Properties.UsagePlanId as { Ref: string }).Ref;
    const key = resources[(link.Properties.KeyId as { Ref: string }).Ref];
    byPlan.set(plan, [...(byPlan.get(plan) ?? []), String(key?.Properties.Value)]);
  }
  return byPlan;
}

const seedFunction = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('ScimonboardingFunction'))?.[1];
const seedEnvironment = (seedFunction?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const salt = String(seedEnvironment[USAGE_KEY_SALT_ENV]);
/** SCIM_RATE_TIERS (tier → plan name) with each name resolved to the logical id of the template's plan of that name. */
const tierPlans: Record<string, string> = Object.fromEntries(
  Object.entries(JSON.parse(String(seedEnvironment.SCIM_RATE_TIERS)) as Record<string, string>).map(([tier, name]) => [
    tier,
    ofType('AWS::ApiGateway::UsagePlan').find(([, plan]) => plan.Properties.UsagePlanName === name)?.[0] ?? `no plan named ${name}`,
  ]),
);

let db: Db;
let secrets: MotoSecrets | undefined;
const tiers = recordingRateTiers([...Object.keys(tierPlans), 'shared'], String(seedEnvironment.SCIM_DEFAULT_RATE_TIER));
const tokens = new Map<string, string>();

async function withToken(tenantId: string): Promise<void> {
  const token = generateToken();
  tokens.set(tenantId, token);
  await putToken(db, { tenantId, tokenHash: hashToken(token) });
}

async function usageKeyFor(tenantId: string): Promise<string | undefined> {
  const result: APIGatewayAuthorizerResult = await authorize({
    type: 'TOKEN',
    authorizationToken: `Bearer ${tokens.get(tenantId) ?? ''}`,
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/v2/GET/tenants/${tenantId}/scim/v2/Users`,
  });
  return result.usageIdentifierKey ?? undefined;
}

/** The template plan (logical id) that holds a key value at run time: the template's own keys, or the seed's. */
function planHolding(key: string): string | undefined {
  for (const [plan, values] of templateKeysByPlan()) if (values.includes(key)) return plan;
  for (const [tenantId, tier] of tiers.keys) if (tenantUsageKeyOf(tenantId, salt) === key) return tierPlans[tier];
  return undefined;
}

const seed = (...declarations: { id: string; rateTier: string }[]) =>
  applyTenantSeed(
    db,
    tiers,
    declarations.map((d) => ({ ...d, displayName: d.id, settings: {} })),
    `digest-${declarations.length}`,
  );

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  db = await testDb('usage-plans');
  process.env[USAGE_KEY_SALT_ENV] = salt;
});
afterAll(async () => dropTable(db));

describe('usage plans in the template', () => {
  it('are the rate tiers and the shared plan, all on the stage; the only key in the template is the shared one', () => {
    expect(ofType('AWS::ApiGateway::UsagePlan')).toHaveLength(3);
    expect(plansOnStage.size).toBe(3);
    expect([...templateKeysByPlan().values()].flat()).toEqual([sharedUsageKey(salt)]);
  });

  it('tell the seed function exactly the tier plans, each on the stage', () => {
    expect(Object.keys(tierPlans).sort()).toEqual(['large', 'standard']);
    for (const plan of Object.values(tierPlans)) expect(plansOnStage.has(plan)).toBe(true);
    expect(new Set([...Object.values(tierPlans), ...templateKeysByPlan().keys()]).size).toBe(3);
  });
});

describe('the key the authorizer names is in a plan on the stage', () => {
  it("a tenant seeded from tenants.json: its own key, in its tier's plan", async () => {
    await seed({ id: 'acme', rateTier: 'large' }, { id: 'contoso', rateTier: 'standard' });
    await withToken('acme');
    await withToken('contoso');
    expect(await usageKeyFor('acme')).toBe(tenantUsageKeyOf('acme', salt));
    expect(planHolding(tenantUsageKeyOf('acme', salt))).toBe(tierPlans.large);
    expect(planHolding((await usageKeyFor('contoso')) ?? '')).toBe(tierPlans.standard);
  });

  it('two tenants never share a key (each its own bucket)', async () => {
    expect(await usageKeyFor('acme')).not.toBe(await usageKeyFor('contoso'));
  });

  it('an item of a per-tenant stack: its old key until the seed moves it to its tier', async () => {
    await putTenant(db, { tenantId: 'legacy', displayName: 'Legacy', usagePlan: 'own' });
    await withToken('legacy');
    expect(await usageKeyFor('legacy')).toBe(usageKeyOf('legacy', salt));
    await seed({ id: 'acme', rateTier: 'large' }, { id: 'contoso', rateTier: 'standard' }, { id: 'legacy', rateTier: 'standard' });
    expect(await usageKeyFor('legacy')).toBe(tenantUsageKeyOf('legacy', salt));
    expect(planHolding(tenantUsageKeyOf('legacy', salt))).toBe(tierPlans.standard);
  });

  it('a tier change moves the key; the authorizer keeps naming the same key', async () => {
    await seed({ id: 'acme', rateTier: 'standard' }, { id: 'contoso', rateTier: 'standard' }, { id: 'legacy', rateTier: 'standard' });
    expect(await usageKeyFor('acme')).toBe(tenantUsageKeyOf('acme', salt));
    expect(planHolding(tenantUsageKeyOf('acme', salt))).toBe(tierPlans.standard);
  });
});

describeWithMoto('a tenant added with scim-admin (its token in Secrets Manager on moto)', {
  async setup(moto) {
    secrets = motoSecrets(moto);
  },
  async teardown() {
    secrets?.destroy();
  },
  tests: {
    "the shared plan's key": async () => {
      if (!secrets) throw new Error('no secrets store');
      const connection: Connection = {
        db,
        secrets: secrets.store,
        local: false,
        secretIdOf: (id) => `secret-${id}`,
        close: () => undefined,
      };
      const io = { out: () => undefined, progress: () => undefined };
      await commands['tenants create']?.(connection, ['walk-in'], {}, io);
      await commands['tokens issue']?.(connection, [], { tenant: 'walk-in' }, io);
      tokens.set('walk-in', await secrets.value('secret-walk-in'));
      const key = await usageKeyFor('walk-in');
      expect(key).toBe(sharedUsageKey(salt));
      expect(plansOnStage.has(planHolding(key ?? '') ?? '')).toBe(true);
    },
  },
});
