/**
 * The RateTiers `scim-admin` hands the tenant service (tenants/rate-tier.ts), so a tenant the CLI creates
 * or moves gets its own API key in its tier's usage plan exactly as through the admin API:
 *  - locally, tiers by name as `npm start` (no gateway keys);
 *  - with --stack, the stack's RateTiers output (lib/stack-outputs.ts: tier → plan name, default tier,
 *    usage key salt, written from lib/rate-tiers.ts portConfig) on the API Gateway port the admin function uses;
 *  - else the environment, when it names the plans as the admin function's does (SCIM_RATE_TIERS, USAGE_KEY_SALT);
 *  - else (a stack from before that output, or --table alone) no plans: a tenant created here stays on the
 *    stack's shared plan (the service's answer to "no keys left") and a tier change is refused (limit-reached).
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import * as z from 'zod';
import { apiGatewayRateTiers, type ApiGatewayRateTiersConfig } from '../functions/tenants/api-gateway-rate-tiers';
import { configuredRateTiers, UNPLANNED_TIERS, unplannedRateTiers } from '../functions/tenants/configured-rate-tiers';
import { environment } from '../functions/commons/environment';
import { RateTierError, type RateTiers } from '../functions/tenants/rate-tier';
import { STACK_OUTPUTS } from '../lib/stack-outputs';
import { AdminError, EXIT } from './cli-errors';
import type { Connection } from './connection';

const sharedOnly = (): RateTiers => ({
  names: UNPLANNED_TIERS,
  defaultTier: environment.defaultRateTier(),
  placement: async () => 'cli-without-plans',
  assign: async () => {
    throw new RateTierError(
      'capacity',
      'scim-admin found no rate tier plans (a stack without the RateTiers output: deploy this version, or use the admin API)',
    );
  },
  release: async () => undefined,
});

const portConfigSchema = z.strictObject({
  plans: z.record(z.string(), z.string().min(1)),
  defaultTier: z.string().min(1),
  salt: z.string().min(1),
});

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The stack's RateTiers output as the port's config; one that does not parse says so. */
function stackPortConfig(output: string): ApiGatewayRateTiersConfig {
  const parsed = portConfigSchema.safeParse(jsonOf(output));
  if (!parsed.success) throw new AdminError(`the stack's ${STACK_OUTPUTS.rateTiers} output is not a rate tier configuration`, EXIT.failed);
  return parsed.data;
}

export function cliRateTiers(connection: Pick<Connection, 'local' | 'outputs' | 'region'>): RateTiers {
  if (connection.local) return unplannedRateTiers();
  const output = connection.outputs?.[STACK_OUTPUTS.rateTiers];
  if (output) {
    const client = new APIGatewayClient({
      ...(connection.region ? { region: connection.region } : {}),
      retryMode: 'adaptive',
      maxAttempts: 10,
    });
    return apiGatewayRateTiers(stackPortConfig(output), client);
  }
  return Object.keys(environment.rateTierPlans()).length > 0 ? configuredRateTiers() : sharedOnly();
}
