/**
 * RateTiers (tenants/rate-tier.ts) on API Gateway: one API key per tenant, named and valued
 * `scim-tenant-<salt>-<tenantId>` (tenants/usage-key.ts), in the usage plan of its tier. The plans
 * are the stack's (lib/rate-tiers.ts gives the function their ids and IAM on them and on the keys);
 * nothing here creates or updates a usage plan, so UpdateUsagePlan's one call per 20 s never applies.
 *
 * Calls per operation: a new tenant 3 (GetApiKeys, CreateApiKey, CreateUsagePlanKey); a tier
 * change 1 + one GetUsagePlanKeys per tier plan + DeleteUsagePlanKey + CreateUsagePlanKey; a
 * release the same reads + DeleteUsagePlanKey + DeleteApiKey. CreateApiKey and DeleteApiKey are
 * limited to 5 requests/s per account, the rest of the management API to 10/s (docs/throttling.md):
 * the client retries throttled calls adaptively.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { environment } from '../commons/environment';
import { checkTier, RateTierError, SHARED_RATE_TIER, type RateTiers } from './rate-tier';
import { tenantUsageKeyOf } from './usage-key';
import { errorNamed } from '../commons/error-named';

export interface ApiGatewayRateTiersConfig {
  /**
   * Tier name → usage plan NAME (the stack's tier plans; `shared` is not among them). Names, not ids:
   * an id in the admin function's environment would make the API's deployment depend on itself
   * (deployment → admin method → function → plan → stage → deployment). Ids are looked up once.
   */
  readonly plans: Readonly<Record<string, string>>;
  readonly defaultTier: string;
  /** The deployment's usage key salt (tenants/usage-key.ts). */
  readonly salt: string;
}

const fromEnvironment = (): ApiGatewayRateTiersConfig => ({
  plans: environment.rateTierPlans(),
  defaultTier: environment.defaultRateTier(),
  salt: environment.usageKeySalt(),
});

async function ignoring<T>(names: readonly string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (errorNamed(error, ...names)) return undefined;
    throw error;
  }
}

export function apiGatewayRateTiers(
  config: ApiGatewayRateTiersConfig = fromEnvironment(),
  client: APIGatewayClient = new APIGatewayClient({ retryMode: 'adaptive', maxAttempts: 10 }),
): RateTiers {
  const names = [...Object.keys(config.plans), SHARED_RATE_TIER];
  let resolved: Promise<Record<string, string>> | undefined;
  /** Tier → usage plan id, from the plans' names (GetUsagePlans, once per container). */
  const planIds = (): Promise<Record<string, string>> => {
    resolved ??= resolvePlanIds(client, config.plans).catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
  if (!names.includes(config.defaultTier))
    throw new Error(`the default rate tier "${config.defaultTier}" is not one of ${names.join(', ')}`);

  /** The tenant's key id: keys are looked up by name (a prefix query, then the exact name). */
  async function findKey(tenantId: string): Promise<string | undefined> {
    const name = tenantUsageKeyOf(tenantId, config.salt);
    let position: string | undefined;
    do {
      const page = await client.send(new GetApiKeysCommand({ nameQuery: name, limit: 500, ...(position ? { position } : {}) }));
      const hit = page.items?.find((key) => key.name === name);
      if (hit?.id) return hit.id;
      position = page.position;
    } while (position);
    return undefined;
  }

  /** The tiers whose plans hold the tenant's key (one read per tier plan). */
  async function plansHolding(tenantId: string): Promise<string[]> {
    const name = tenantUsageKeyOf(tenantId, config.salt);
    const holding: string[] = [];
    for (const [tier, usagePlanId] of Object.entries(await planIds())) {
      const { items } = await client.send(new GetUsagePlanKeysCommand({ usagePlanId, nameQuery: name, limit: 500 }));
      if (items?.some((key) => key.name === name)) holding.push(tier);
    }
    return holding;
  }

  /** Creates the key; one that exists already (an earlier call that failed later) is found instead. */
  async function createKey(tenantId: string): Promise<string> {
    const value = tenantUsageKeyOf(tenantId, config.salt);
    try {
      const key = await client.send(
        new CreateApiKeyCommand({
          name: value,
          value,
          enabled: true,
          description: `Usage identifier of SCIM tenant ${tenantId} (not a credential; named by the authorizer)`,
        }),
      );
      if (!key.id) throw new Error('CreateApiKey returned no id');
      return key.id;
    } catch (error) {
      if (errorNamed(error, 'LimitExceededException'))
        throw new RateTierError('capacity', 'no API keys left in this account and Region (10,000, not adjustable): see docs/throttling.md');
      if (!errorNamed(error, 'ConflictException')) throw error;
      const id = await findKey(tenantId);
      if (!id) throw error;
      return id;
    }
  }

  async function leavePlans(tenantId: string, keyId: string, keep?: string): Promise<string[]> {
    const plans = await planIds();
    const holding = await plansHolding(tenantId);
    for (const tier of holding.filter((name) => name !== keep)) {
      await ignoring(['NotFoundException'], () => client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: plans[tier] ?? '', keyId })));
    }
    return holding;
  }

  /** Out of every plan, then deleted (the plans are left explicitly rather than trusting the deletion to do it). */
  async function release(tenantId: string): Promise<void> {
    const id = await findKey(tenantId);
    if (!id) return;
    await leavePlans(tenantId, id);
    await ignoring(['NotFoundException'], () => client.send(new DeleteApiKeyCommand({ apiKey: id })));
  }

  return {
    names,
    defaultTier: config.defaultTier,
    placement: async () => JSON.stringify(Object.entries(await planIds()).sort()),
    async assign(tenantId, tier) {
      checkTier({ names }, tier);
      if (tier === SHARED_RATE_TIER) return release(tenantId);
      const existing = await findKey(tenantId);
      const key = existing ?? (await createKey(tenantId));
      // A key that existed may sit in another tier's plan: out of it first (a key belongs to one plan per stage).
      const holding = existing ? await leavePlans(tenantId, key, tier) : [];
      if (holding.includes(tier)) return;
      const plans = await planIds();
      await ignoring(['ConflictException'], () =>
        client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plans[tier] ?? '', keyId: key, keyType: 'API_KEY' })),
      );
    },
    release,
  };
}

async function resolvePlanIds(client: APIGatewayClient, planNames: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const byName = new Map<string, string>();
  let position: string | undefined;
  do {
    const page = await client.send(new GetUsagePlansCommand({ limit: 500, ...(position ? { position } : {}) }));
    for (const plan of page.items ?? []) if (plan.name && plan.id) byName.set(plan.name, plan.id);
    position = page.position;
  } while (position);
  return Object.fromEntries(
    Object.entries(planNames).map(([tier, name]) => {
      const id = byName.get(name);
      if (!id) throw new Error(`the usage plan "${name}" of rate tier ${tier} does not exist`);
      return [tier, id];
    }),
  );
}
