/**
 * TenantOnboarding: tenants.json as data. ONE custom resource (`Custom::ScimTenantSeed`) applies the
 * declared tenants to the table through functions/tenants/tenant-seed.ts: create, update settings
 * and tier, disable when dropped. The declarations travel in the seed function's own bundle
 * (written beside its code at synth); the resource carries only their digest, so the template has the
 * same resources, outputs and about the same size for 0, 3 or 1,000 tenants, and a change of
 * tenants.json changes the digest, which re-runs the seed. No credential is made here: the vendor
 * issues tokens and OAuth clients through the admin API or `scim-admin`.
 *
 * The provider and the function keep the construct ids of the per-tenant stacks before #22, so their
 * per-tenant `Custom::ScimTenant` resources still reach this function when an upgrade deletes them
 * (docs/deploying.md, "Upgrading from per-tenant stacks").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LEGACY_TENANT_FIELDS, type TenantConfig } from '../functions/tenants/tenants-file';
import { SHARED_RATE_TIER } from '../functions/tenants/rate-tier';
import { SEED_FILE_NAME, SEED_RESOURCE_TYPE, seedFileOf, type TenantSeedDeclaration } from '../functions/tenants/seed-declarations';
import { MAX_SEEDED_TENANTS } from '../functions/store/seeded-tenants';
import type { ScimEndpoint } from './scim-endpoint';

export interface TenantOnboardingProps {
  readonly endpoint: ScimEndpoint;
  /** tenants.json, validated (functions/tenants/tenants-file.ts); each `rateTier` must be one of the endpoint's tiers. */
  readonly tenants: readonly TenantConfig[];
}

export class TenantOnboarding extends Construct {
  readonly seedFunction: NodejsFunction;
  readonly seed: CustomResource;
  /** What the seed function applies, and the digest the resource carries. */
  readonly declarations: readonly TenantSeedDeclaration[];
  readonly declarationsDigest: string;

  constructor(scope: Construct, id: string, props: TenantOnboardingProps) {
    super(scope, id);
    const { endpoint } = props;
    this.declarations = declarationsOf(
      props.tenants,
      [...Object.keys(endpoint.rateTiers.plans), SHARED_RATE_TIER],
      endpoint.rateTiers.defaultTier,
    );
    this.warnLegacyFields(props.tenants);
    const file = seedFileOf(this.declarations);
    this.declarationsDigest = file.digest;
    const seedFile = writeSeedFile(JSON.stringify(file), file.digest);

    this.seedFunction = endpoint.createFunction('onboarding', 'functions/onboarding.ts', {
      memorySize: 512,
      // A first seed of many tenants is bound by CreateApiKey's 5 requests/s (docs/throttling.md).
      timeout: Duration.minutes(15),
      // Declared federated credentials' JWKS hosts are checked again by the seed (functions/tenants/tenant-seed.ts).
      // Declared event streams are created with the SETs' issuer (functions/events/declared-streams.ts).
      environment: { ...endpoint.federationEnvironment(), SSF_ISSUER: endpoint.eventStreams.issuer },
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_inputDir: string, outputDir: string) => [`cp "${seedFile}" "${join(outputDir, SEED_FILE_NAME)}"`],
      },
    });
    endpoint.grantTableAccess(this.seedFunction, 'onboarding');
    endpoint.rateTiers.grantManage(this.seedFunction);
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.seedFunction,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    this.seed = new CustomResource(this, 'Seed', {
      serviceToken: provider.serviceToken,
      resourceType: SEED_RESOURCE_TYPE,
      properties: { declarationsDigest: file.digest },
    });
    this.seed.node.addDependency(endpoint.table);
  }

  private warnLegacyFields(tenants: readonly TenantConfig[]): void {
    for (const tenant of tenants) {
      const legacy = LEGACY_TENANT_FIELDS.filter((field) => tenant[field] !== undefined);
      if (legacy.length > 0)
        Annotations.of(this).addWarningV2(
          `scim:legacy-tenant-fields:${tenant.id}`,
          `tenant "${tenant.id}": ${legacy.join(', ')} no longer apply (docs/deploying.md#upgrading-from-per-tenant-stacks): ` +
            "the throttle is the tenant's rateTier, credentials are issued and rotated through the admin API or scim-admin",
        );
    }
  }
}

/** The declarations the seed applies; a tier the stack does not have fails the synth, naming the tenant. */
export function declarationsOf(tenants: readonly TenantConfig[], tiers: readonly string[], defaultTier: string): TenantSeedDeclaration[] {
  if (tenants.length > MAX_SEEDED_TENANTS)
    throw new Error(`tenants.json declares ${tenants.length} tenants; at most ${MAX_SEEDED_TENANTS} (onboard more through the admin API)`);
  return tenants.map((tenant) => {
    const rateTier = tenant.rateTier ?? defaultTier;
    if (!tiers.includes(rateTier))
      throw new Error(`tenant "${tenant.id}": rateTier: "${rateTier}" is not a tier of this stack (${tiers.join(', ')})`);
    return {
      id: tenant.id,
      displayName: tenant.displayName,
      settings: tenant.settings,
      rateTier,
      ...(tenant.federatedCredentials.length > 0 ? { federatedCredentials: tenant.federatedCredentials } : {}),
      ...(tenant.eventStreams.length > 0 ? { eventStreams: tenant.eventStreams } : {}),
    };
  });
}

/** One file per content, under the OS temp folder: the bundling step copies it next to the seed function's code. */
function writeSeedFile(content: string, digest: string): string {
  const dir = join(tmpdir(), `scim-tenant-seed-${digest.slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, SEED_FILE_NAME);
  writeFileSync(file, content);
  return file;
}
