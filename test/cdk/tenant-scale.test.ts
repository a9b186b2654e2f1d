/**
 * The stack does not grow with tenants: 1,000 generated tenants in tenants.json synthesize the same
 * resources and outputs as none (and the same template size), within CloudFormation's 500 resources
 * and 200 outputs; only the seed's digest differs. tenants.json is still validated at synth.
 */
import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { parseTenantsFile, type TenantConfig } from '../../functions/tenants/tenants-file';
import { ScimStack } from '../../lib/scim-stack';
import { declarationsOf } from '../../lib/tenant-onboarding';
import { testApp } from './stack-fixture';

interface Synthesized {
  readonly resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly outputs: Record<string, unknown>;
  readonly bytes: number;
}

function synth(tenants: readonly TenantConfig[]): Synthesized {
  const json = Template.fromStack(new ScimStack(testApp(), 'ScaleScim', { tenants })).toJSON() as {
    Resources: Synthesized['resources'];
    Outputs?: Record<string, unknown>;
  };
  return { resources: json.Resources, outputs: json.Outputs ?? {}, bytes: JSON.stringify(json).length };
}

/** Tenants as a vendor declares them: settings of several kinds, both tiers, OAuth clients asked for. */
const generated = (count: number): TenantConfig[] =>
  parseTenantsFile({
    tenants: Array.from({ length: count }, (_, i) => ({
      id: `tenant-${String(i).padStart(4, '0')}`,
      displayName: `Customer ${i}`,
      ...(i % 3 === 0 ? { rateTier: 'large' } : {}),
      ...(i % 2 === 0 ? { oauthClient: true } : {}),
      settings: {
        dialect: i % 2 === 0 ? 'entra' : 'okta',
        requiredAttributes: {
          User: i % 5 === 0 ? ['phoneNumbers', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'] : [],
        },
      },
    })),
  });

const countBy = (resources: Synthesized['resources']) => {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(resources)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  return counts;
};

describe('1,000 tenants in tenants.json', () => {
  const none = synth([]);
  const three = synth(generated(3));
  const thousand = synth(generated(1_000));

  it('give the same resources, of the same types, as none (and as 3)', () => {
    expect(Object.keys(thousand.resources).sort()).toEqual(Object.keys(none.resources).sort());
    expect(countBy(thousand.resources)).toEqual(countBy(none.resources));
    expect(Object.keys(three.resources)).toHaveLength(Object.keys(none.resources).length);
  });

  it('give the same outputs as none', () => {
    expect(Object.keys(thousand.outputs).sort()).toEqual(Object.keys(none.outputs).sort());
    expect(Object.keys(three.outputs)).toHaveLength(Object.keys(none.outputs).length);
  });

  it("stay within CloudFormation's limits of 500 resources and 200 outputs, and its 1 MB template", () => {
    console.log(
      `template: ${Object.keys(thousand.resources).length} resources, ${Object.keys(thousand.outputs).length} outputs, ${thousand.bytes} bytes with 1,000 tenants; ${Object.keys(none.resources).length}, ${Object.keys(none.outputs).length}, ${none.bytes} with none`,
    );
    expect(Object.keys(thousand.resources).length).toBeLessThanOrEqual(500);
    expect(Object.keys(thousand.outputs).length).toBeLessThanOrEqual(200);
    expect(thousand.bytes).toBeLessThan(1_000_000);
  });

  it('do not make the template bigger: only the seed digest differs', () => {
    expect(thousand.bytes).toBe(none.bytes);
    const digest = (s: Synthesized) =>
      Object.values(s.resources).find((r) => r.Type === 'Custom::ScimTenantSeed')?.Properties?.declarationsDigest;
    expect(digest(thousand)).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(thousand)).not.toBe(digest(none));
    expect(digest(three)).not.toBe(digest(thousand));
  });
});

describe('tenants.json is validated at synth', () => {
  it('names the tenant and the path of a bad setting', () => {
    expect(() =>
      parseTenantsFile({ tenants: [{ id: 'acme', displayName: 'Acme', settings: { requiredAttributes: { User: ['nope'] } } }] }),
    ).toThrow(/tenant "acme": settings\.requiredAttributes\.User\[0\]/);
  });

  it('names the tenant whose rateTier the stack does not have', () => {
    const tenants = parseTenantsFile({ tenants: [{ id: 'acme', displayName: 'Acme', rateTier: 'platinum' }] });
    expect(() => new ScimStack(testApp(), 'BadTier', { tenants })).toThrow(
      /tenant "acme": rateTier: "platinum" is not a tier of this stack/,
    );
  });

  it("carries declared push and poll streams to the seed (with the SETs' issuer); a poll stream's credential is the admin API's to issue", () => {
    const push = { stream_id: 'hr', delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'https://hr.example/events' } };
    const stack = new ScimStack(testApp(), 'Streams', {
      tenants: parseTenantsFile({ tenants: [{ id: 'acme', displayName: 'A', eventStreams: [push] }] }),
    });
    expect(stack.onboarding.declarations[0]?.eventStreams).toEqual([expect.objectContaining(push)]);
    const seedId = stack.getLogicalId(stack.onboarding.seedFunction.node.defaultChild as CfnFunction);
    const seed = Template.fromStack(stack).toJSON().Resources[seedId] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(Object.keys(seed.Properties.Environment.Variables)).toContain('SSF_ISSUER');
    const poll = parseTenantsFile({
      tenants: [{ id: 'acme', displayName: 'A', eventStreams: [{ stream_id: 'pull', delivery: { method: 'urn:ietf:rfc:8936' } }] }],
    });
    // What the synth hands the seed (the stack's own declarationsOf): the poll stream, with no credential anywhere.
    const declared = declarationsOf(poll, ['standard', 'large', 'shared'], 'standard');
    expect(declared[0]?.eventStreams).toEqual([expect.objectContaining({ stream_id: 'pull', delivery: { method: 'urn:ietf:rfc:8936' } })]);
    expect(JSON.stringify(declared)).not.toMatch(/ssfp_|authorization/i);
  });

  it('accepts a tier of its own stack, and the shared plan', () => {
    const tenants = parseTenantsFile({
      tenants: [
        { id: 'acme', displayName: 'Acme', rateTier: 'gold' },
        { id: 'walk-in', displayName: 'W', rateTier: 'shared' },
      ],
    });
    const stack = new ScimStack(testApp(), 'GoldTier', {
      tenants,
      endpoint: { rateTiers: { gold: { rateLimit: 500, burstLimit: 1000 } }, defaultRateTier: 'gold' },
    });
    expect(stack.onboarding.declarations.map((d) => d.rateTier)).toEqual(['gold', 'shared']);
  });
});
