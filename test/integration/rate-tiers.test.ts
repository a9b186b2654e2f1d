/**
 * The rate-tier port on API Gateway (functions/tenants/api-gateway-rate-tiers.ts) against moto_server:
 * one key per tenant in its tier's usage plan, moved between plans, deleted on release; idempotent
 * calls; unknown tiers refused. The key values are the ones the authorizer names (tenants/usage-key.ts).
 */
import { expect } from '@jest/globals';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  GetApiKeysCommand,
  GetResourcesCommand,
  GetUsagePlanKeysCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { apiGatewayRateTiers } from '../../functions/tenants/api-gateway-rate-tiers';
import { RateTierError, type RateTiers } from '../../functions/tenants/rate-tier';
import { tenantUsageKeyOf } from '../../functions/tenants/usage-key';
import { describeWithMoto, type Moto } from '../support/moto';

const SALT = 'abc123def456';
let client: APIGatewayClient;
let plans: Record<string, string>;
let tiers: RateTiers;

async function keysOf(planId: string): Promise<string[]> {
  const { items } = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: planId }));
  return (items ?? []).map((key) => String(key.value ?? key.name)).sort();
}

async function tenantKeys(): Promise<string[]> {
  const { items } = await client.send(new GetApiKeysCommand({ includeValues: true }));
  return (items ?? [])
    .map((key) => String(key.value))
    .filter((value) => value.startsWith('scim-tenant-'))
    .sort();
}

const keyOf = (tenantId: string) => tenantUsageKeyOf(tenantId, SALT);

describeWithMoto('rate tiers on API Gateway', {
  async setup(moto: Moto) {
    client = new APIGatewayClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const api = await client.send(new CreateRestApiCommand({ name: 'scim' }));
    const restApiId = String(api.id);
    const root = (await client.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? '';
    await client.send(new PutMethodCommand({ restApiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }));
    await client.send(new CreateDeploymentCommand({ restApiId, stageName: 'v2' }));
    plans = {};
    for (const [tier, rateLimit] of [
      ['standard', 50],
      ['large', 200],
    ] as const) {
      const plan = await client.send(
        new CreateUsagePlanCommand({
          name: tier,
          apiStages: [{ apiId: restApiId, stage: 'v2' }],
          throttle: { rateLimit, burstLimit: rateLimit * 2 },
        }),
      );
      plans[tier] = String(plan.id);
    }
    // The port is given the plans' names, as the stack gives them (it looks the ids up).
    tiers = apiGatewayRateTiers({ plans: { standard: 'standard', large: 'large' }, defaultTier: 'standard', salt: SALT }, client);
  },
  async teardown() {
    client?.destroy();
  },
  tests: {
    async 'names the tiers of the stack and the shared plan'() {
      expect(tiers.names).toEqual(['standard', 'large', 'shared']);
      expect(tiers.defaultTier).toBe('standard');
    },
    async 'gives each tenant a key of its own in its tier plan'() {
      await tiers.assign('acme', 'standard');
      await tiers.assign('contoso', 'standard');
      await tiers.assign('fabrikam', 'large');
      expect(await keysOf(plans.standard ?? '')).toEqual([keyOf('acme'), keyOf('contoso')].sort());
      expect(await keysOf(plans.large ?? '')).toEqual([keyOf('fabrikam')]);
    },
    async 'is idempotent: assigning the same tier again creates nothing'() {
      await tiers.assign('acme', 'standard');
      expect(await tenantKeys()).toEqual([keyOf('acme'), keyOf('contoso'), keyOf('fabrikam')].sort());
      expect(await keysOf(plans.standard ?? '')).toEqual([keyOf('acme'), keyOf('contoso')].sort());
    },
    async 'moves a tenant between tiers with the same key'() {
      await tiers.assign('acme', 'large');
      expect(await keysOf(plans.standard ?? '')).toEqual([keyOf('contoso')]);
      expect(await keysOf(plans.large ?? '')).toEqual([keyOf('acme'), keyOf('fabrikam')].sort());
      expect(await tenantKeys()).toHaveLength(3);
    },
    async 'tells a tenant whose id begins like another one apart'() {
      await tiers.assign('acme-eu', 'standard');
      await tiers.release('acme-eu');
      expect(await keysOf(plans.large ?? '')).toContain(keyOf('acme'));
      expect(await tenantKeys()).not.toContain(keyOf('acme-eu'));
    },
    async "the shared tier and release delete the tenant's key"() {
      await tiers.assign('contoso', 'shared');
      await tiers.release('fabrikam');
      await tiers.release('fabrikam');
      expect(await tenantKeys()).toEqual([keyOf('acme')]);
      expect(await keysOf(plans.standard ?? '')).toEqual([]);
      expect(await keysOf(plans.large ?? '')).toEqual([keyOf('acme')]);
    },
    async 'finds a key an earlier, interrupted call created, instead of a second one'() {
      await client.send(new CreateApiKeyCommand({ name: keyOf('walk-in'), value: keyOf('walk-in'), enabled: true }));
      await tiers.assign('walk-in', 'standard');
      expect((await tenantKeys()).filter((value) => value === keyOf('walk-in'))).toHaveLength(1);
      expect(await keysOf(plans.standard ?? '')).toEqual([keyOf('walk-in')]);
    },
    async "names where the keys are placed by the plans' ids, and refuses a plan name that does not exist"() {
      expect(JSON.parse(await tiers.placement())).toEqual(Object.entries(plans).sort());
      const missing = apiGatewayRateTiers({ plans: { standard: 'no-such-plan' }, defaultTier: 'standard', salt: SALT }, client);
      await expect(missing.assign('acme', 'standard')).rejects.toThrow(/usage plan "no-such-plan" of rate tier standard does not exist/);
    },
    async 'refuses a tier the stack does not have'() {
      await expect(tiers.assign('acme', 'platinum')).rejects.toThrow(RateTierError);
      await expect(tiers.assign('acme', 'platinum')).rejects.toMatchObject({ reason: 'unknown tier' });
    },
  },
});
