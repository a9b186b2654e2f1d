/**
 * CloudFormation custom resources of lib/tenant-onboarding.ts:
 *  - `Custom::ScimTenantSeed`, one per stack: applies the tenants.json declarations bundled beside
 *    this code (tenants/seed-declarations.ts; the resource carries their digest) through
 *    tenants/tenant-seed.ts. Deleting it (stack deletion) leaves the tenants in the retained table.
 *  - `Custom::ScimTenant`, one per tenant in stacks before #22: only their Delete still arrives, from
 *    the upgrade's clean-up (tenants/tenant-seed.ts retireLegacyTenantResource).
 * Nothing here creates or returns a credential.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { environment } from './commons/environment';
import { defaultDb } from './store/db';
import { apiGatewayRateTiers } from './tenants/api-gateway-rate-tiers';
import { LEGACY_TENANT_RESOURCE_TYPE, parseSeedFile, SEED_FILE_NAME, SEED_RESOURCE_TYPE } from './tenants/seed-declarations';
import { applyTenantSeed, retireLegacyTenantResource } from './tenants/tenant-seed';

const SEED_PHYSICAL_ID = 'tenants-json-seed';

interface Response {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, number | string>;
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<Response> {
  if (event.ResourceType === LEGACY_TENANT_RESOURCE_TYPE) return legacyTenantEvent(event);
  if (event.ResourceType !== SEED_RESOURCE_TYPE) throw new Error(`unexpected resource type ${event.ResourceType}`);
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const digest = String(event.ResourceProperties.declarationsDigest ?? '');
  const declarations = parseSeedFile(await readFile(join(environment.lambdaTaskRoot(), SEED_FILE_NAME), 'utf8'), digest);
  const outcome = await applyTenantSeed(defaultDb(), apiGatewayRateTiers(), declarations, digest);
  return { PhysicalResourceId: SEED_PHYSICAL_ID, Data: { ...outcome, digest } };
}

async function legacyTenantEvent(event: CloudFormationCustomResourceEvent): Promise<Response> {
  if (event.RequestType !== 'Delete')
    throw new Error(`${LEGACY_TENANT_RESOURCE_TYPE} is no longer created or updated: tenants.json is applied by the seed`);
  const tenantId = String(event.ResourceProperties.tenantId ?? '');
  if (tenantId) await retireLegacyTenantResource({ db: defaultDb(), rateTiers: apiGatewayRateTiers() }, tenantId);
  return { PhysicalResourceId: event.PhysicalResourceId };
}
