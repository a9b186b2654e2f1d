/**
 * Upgrading a stack from before #22 (one custom resource, secret, usage plan, API key and outputs
 * per tenant) to tenants as data, checked on the two templates: the per-tenant stack synthesized
 * from git history (test/cdk/fixtures/per-tenant-stack-058ee32.template.json, written by
 * scripts/per-tenant-template.sh) and today's, with the same tenants. docs/deploying.md, "Upgrading
 * from per-tenant stacks", says what this means for a deployment; the seed's and the handler's side
 * of it runs in test/integration/onboarding.test.ts and test/cdk/usage-plans.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { sharedUsageKey, tenantUsageKeyOf, USAGE_KEY_SALT_ENV, usageKeyOf } from '../../functions/tenants/usage-key';
import { testStack, testTemplate } from './stack-fixture';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}
interface CfnTemplate {
  readonly Resources: Record<string, Resource>;
  readonly Outputs: Record<string, unknown>;
}

const before = JSON.parse(readFileSync('test/cdk/fixtures/per-tenant-stack-058ee32.template.json', 'utf8')) as CfnTemplate;
const after = testTemplate(testStack()).toJSON() as CfnTemplate;

/** A Deployment's logical id changes with any change of the API (CDK's hash of its methods): CloudFormation creates the new one, the stage moves to it. */
const isDeployment = ([, r]: [string, Resource]) => r.Type === 'AWS::ApiGateway::Deployment';
/** The per-tenant resources that go (other features change the stack too since 058ee32: alarms, dead letters...; not this test's subject). */
const removed = Object.entries(before.Resources).filter(
  (entry) => !(entry[0] in after.Resources) && !isDeployment(entry) && /acme|contoso/i.test(entry[0]),
);
const kept = Object.keys(before.Resources).filter((id) => id in after.Resources);
const added = Object.entries(after.Resources).filter((entry) => !(entry[0] in before.Resources) && !isDeployment(entry));
const typesOf = (entries: [string, Resource][]) => entries.map(([, r]) => r.Type).sort();
const idOfType = (template: CfnTemplate, type: string, prefix = '') =>
  Object.entries(template.Resources).find(([id, r]) => r.Type === type && id.startsWith(prefix))?.[0] ?? '';
const environmentOf = (template: CfnTemplate, prefix: string) =>
  ((
    template.Resources[idOfType(template, 'AWS::Lambda::Function', prefix)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    }
  )?.Variables ?? {}) as Record<string, unknown>;

describe('what the update removes', () => {
  it('exactly the per-tenant resources: 2 tenant custom resources, 3 secrets, 2 usage plans with their keys', () => {
    expect(typesOf(removed)).toEqual(
      [
        'AWS::ApiGateway::ApiKey',
        'AWS::ApiGateway::ApiKey',
        'AWS::ApiGateway::UsagePlan',
        'AWS::ApiGateway::UsagePlan',
        'AWS::ApiGateway::UsagePlanKey',
        'AWS::ApiGateway::UsagePlanKey',
        'AWS::SecretsManager::Secret',
        'AWS::SecretsManager::Secret',
        'AWS::SecretsManager::Secret',
        'Custom::ScimTenant',
        'Custom::ScimTenant',
      ].sort(),
    );
    // Nothing about a tenant stays behind under another name.
    for (const [id] of Object.entries(after.Resources)) expect(id).not.toMatch(/acme|contoso/i);
  });

  it('deletes them as the old template says (no Retain): the secrets go, the tenant resources send Delete', () => {
    // CloudFormation applies the DeletionPolicy of the template the resource was created with.
    for (const [, resource] of removed) expect(resource.DeletionPolicy ?? 'Delete').toBe('Delete');
  });

  it("sends the old tenant resources' Delete to the provider the new stack keeps, which calls the seed function", () => {
    const tokens = removed.filter(([, r]) => r.Type === 'Custom::ScimTenant').map(([, r]) => JSON.stringify(r.Properties?.ServiceToken));
    const provider = idOfType(before, 'AWS::Lambda::Function', 'TenantsProviderframeworkonEvent');
    expect(provider).not.toBe('');
    for (const token of tokens) expect(token).toContain(provider);
    expect(after.Resources[provider]?.Type).toBe('AWS::Lambda::Function');
    const target = JSON.stringify(environmentOf(after, 'TenantsProviderframeworkonEvent').USER_ON_EVENT_FUNCTION_ARN);
    expect(target).toContain(idOfType(after, 'AWS::Lambda::Function', 'ScimonboardingFunction'));
    expect(idOfType(after, 'AWS::Lambda::Function', 'ScimonboardingFunction')).toBe(
      idOfType(before, 'AWS::Lambda::Function', 'ScimonboardingFunction'),
    );
  });

  it('removes the per-tenant outputs, keeps the ones scim-admin --stack reads', () => {
    const gone = Object.keys(before.Outputs).filter((name) => !(name in after.Outputs) && /acme|contoso/.test(name));
    expect(Object.keys(after.Outputs).filter((name) => /acme|contoso/.test(name))).toEqual([]);
    expect(gone.sort()).toEqual(
      [
        'OAuthClientSecretacme',
        'TenantUrlacme',
        'TenantUrlcontoso',
        'TokenEndpointacme',
        'TokenEndpointcontoso',
        'TokenSecretacme',
        'TokenSecretcontoso',
      ].sort(),
    );
    for (const name of ['ApiUrl', 'TableName', 'EventBusName']) expect(after.Outputs[name]).toBeDefined();
  });
});

describe('what the update keeps', () => {
  it('the table, retained and with the same keys (its items: tenants, tokens, clients, data)', () => {
    const table = idOfType(before, 'AWS::DynamoDB::Table');
    expect(kept).toContain(table);
    for (const template of [before, after]) expect(template.Resources[table]?.DeletionPolicy).toBe('Retain');
    for (const property of ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'StreamSpecification'])
      expect(after.Resources[table]?.Properties?.[property]).toEqual(before.Resources[table]?.Properties?.[property]);
  });

  it('the API, its stage and authorizer, the signing key and every function of the old stack', () => {
    for (const type of ['AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Authorizer', 'AWS::KMS::Key'])
      expect(kept).toContain(idOfType(before, type));
    const functions = Object.entries(before.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id);
    expect(functions.filter((id) => !kept.includes(id))).toEqual([]);
    const api = idOfType(before, 'AWS::ApiGateway::RestApi');
    expect(after.Resources[api]?.Properties?.Name).toEqual(before.Resources[api]?.Properties?.Name);
  });

  it('the shared plan and its key with the same value (tenants added with scim-admin keep their bucket)', () => {
    const key =
      Object.entries(before.Resources).find(([id, r]) => r.Type === 'AWS::ApiGateway::ApiKey' && id.includes('Shared'))?.[0] ?? '';
    expect(kept).toContain(key);
    expect(after.Resources[key]?.Properties?.Value).toBe(before.Resources[key]?.Properties?.Value);
    expect(kept).toContain(
      Object.keys(before.Resources).find(
        (id) => id.startsWith('ScimApiUsagePlanShared') && before.Resources[id]?.Type === 'AWS::ApiGateway::UsagePlan',
      ),
    );
  });

  it('the usage key salt, so old and new keys are told apart and the shared key stays the same', () => {
    const salt = environmentOf(before, 'ScimauthorizerFunction')[USAGE_KEY_SALT_ENV];
    expect(environmentOf(after, 'ScimauthorizerFunction')[USAGE_KEY_SALT_ENV]).toBe(salt);
    const oldKeys = removed.filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey').map(([, r]) => r.Properties?.Value);
    expect(oldKeys.sort()).toEqual([usageKeyOf('acme', String(salt)), usageKeyOf('contoso', String(salt))].sort());
    // The seed creates each tenant's new key while the old one still exists: the values differ, so no conflict.
    for (const tenant of ['acme', 'contoso']) expect(oldKeys).not.toContain(tenantUsageKeyOf(tenant, String(salt)));
    expect(oldKeys).not.toContain(sharedUsageKey(String(salt)));
  });
});

describe('what the update adds', () => {
  it('the seed and the tier plans, and nothing per tenant', () => {
    const ours = added.filter(([, r]) => r.Type === 'Custom::ScimTenantSeed' || r.Type.startsWith('AWS::ApiGateway::UsagePlan'));
    expect(typesOf(ours)).toEqual(['AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlan', 'Custom::ScimTenantSeed']);
    expect(added.filter(([id]) => /acme|contoso/i.test(id))).toEqual([]);
    expect(added.filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey' || r.Type === 'AWS::SecretsManager::Secret')).toEqual([]);
  });
});
