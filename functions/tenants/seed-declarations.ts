/**
 * What tenants.json declares, as the seed function receives it: `cdk synth` writes this file into the
 * seed function's bundle (lib/tenant-onboarding.ts), and the custom resource carries only its digest,
 * so the template is the same size for 3 or 1,000 tenants and a change of tenants.json changes the
 * digest, which re-runs the seed. No AWS imports: the CDK app writes the file with this module.
 */
import { createHash } from 'node:crypto';
import type { StoredSettings } from '../store/key-reads';

export const SEED_FILE_NAME = 'tenants-seed.json';

/** The one custom resource that applies tenants.json, and the per-tenant one of stacks before #22. */
export const SEED_RESOURCE_TYPE = 'Custom::ScimTenantSeed';
export const LEGACY_TENANT_RESOURCE_TYPE = 'Custom::ScimTenant';

/** One tenant as the seed applies it: the tier is resolved at synth (the stack's default when absent). */
export interface TenantSeedDeclaration {
  readonly id: string;
  readonly displayName: string;
  readonly settings: StoredSettings;
  readonly rateTier: string;
  /** tenants.json `federatedCredentials` as declared (validated at synth, again by the seed with this function's JWKS hosts). */
  readonly federatedCredentials?: readonly unknown[];
  /** tenants.json `eventStreams` as declared (push streams only: validated at synth, again by the seed). */
  readonly eventStreams?: readonly unknown[];
}

export interface TenantSeedFile {
  readonly digest: string;
  readonly tenants: readonly TenantSeedDeclaration[];
}

export const declarationsDigest = (tenants: readonly TenantSeedDeclaration[]): string =>
  createHash('sha256').update(JSON.stringify(tenants)).digest('hex');

export function seedFileOf(tenants: readonly TenantSeedDeclaration[]): TenantSeedFile {
  return { digest: declarationsDigest(tenants), tenants };
}

/** The declarations of a seed file, refused unless they are the ones the template's digest names. */
export function parseSeedFile(text: string, expectedDigest: string): readonly TenantSeedDeclaration[] {
  const file = JSON.parse(text) as Partial<TenantSeedFile>;
  if (!Array.isArray(file.tenants)) throw new Error(`${SEED_FILE_NAME} has no tenants`);
  const digest = declarationsDigest(file.tenants);
  if (digest !== expectedDigest || file.digest !== expectedDigest)
    throw new Error(`${SEED_FILE_NAME} is not the one this deploy declares (digest ${digest}, expected ${expectedDigest})`);
  return file.tenants;
}
