/**
 * Every method requires an API key from the authorizer (API key source AUTHORIZER), so a tenant
 * works only if the key the authorizer names for it belongs to a usage plan on the stage. Both ways
 * of onboarding are checked against the synthesized template with the real authorizer on DynamoDB
 * Local: a tenant deployed from tenants.json gets its own plan, one added with
 * `scim-admin tenants add` the stack's shared plan — and a tenant removed from tenants.json (its
 * plan deleted with it) falls back to the shared one when re-enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { commands } from '../../admin/commands';
import type { Connection } from '../../admin/connection';
import { handler as authorize } from '../../functions/authorizer';
import type { Db } from '../../functions/store/db';
import { onboard, type TenantDeclaration, type TokenSecretStore } from '../../functions/tenants/onboard';
import { USAGE_KEY_SALT_ENV } from '../../functions/tenants/usage-key';
import { dropTable, testDb } from '../support/dynamodb';
import { testStack } from './stack-fixture';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resources = Template.fromStack(testStack()).toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Key values of the API keys that a usage plan on the deployed stage includes. */
function keysWithPlanOnStage(): Set<string> {
  const [stageId] = ofType('AWS::ApiGateway::Stage').map(([id]) => id);
  const plansOnStage = new Set(
    ofType('AWS::ApiGateway::UsagePlan')
      .filter(([, plan]) => (plan.Properties.ApiStages as { Stage: { Ref: string } }[]).some((s) => s.Stage.Ref === stageId))
      .map(([id]) => id),
  );
  const values = new Set<string>();
  for (const [, link] of ofType('AWS::ApiGateway::UsagePlanKey')) {
    const plan = (link.Properties.UsagePlanId as { Ref: string }).Ref;
    const key = resources[(link.Properties.KeyId as { Ref: string }).Ref];
    if (plansOnStage.has(plan) && key) values.add(String(key.Properties.Value));
  }
  return values;
}

const authorizerSalt = (): string => {
  const [, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('ScimauthorizerFunction')) ?? [];
  return String((fn?.Properties.Environment as { Variables: Record<string, string> }).Variables[USAGE_KEY_SALT_ENV]);
};

class MemorySecrets implements TokenSecretStore {
  readonly values = new Map<string, string>();
  async read(id: string) {
    return this.values.get(id);
  }
  async write(id: string, token: string) {
    this.values.set(id, token);
  }
}

const declaration: TenantDeclaration = {
  tenantId: 'acme',
  displayName: 'Acme',
  settings: JSON.stringify({ requiredAttributes: {} }),
  tokenVersion: '1',
  tokenOverlapHours: '24',
  secretId: 'secret-acme',
};

let db: Db;
const secrets = new MemorySecrets();

async function usageKeyFor(tenantId: string, token: string): Promise<string | undefined> {
  const result: APIGatewayAuthorizerResult = await authorize({
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/v2/GET/tenants/${tenantId}/scim/v2/Users`,
  });
  return result.usageIdentifierKey ?? undefined;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  db = await testDb('usage-plans');
  process.env[USAGE_KEY_SALT_ENV] = authorizerSalt();
});
afterAll(async () => dropTable(db));

describe('usage plans for both ways of onboarding', () => {
  it('the template has a shared plan besides one plan per tenants.json tenant', () => {
    expect(ofType('AWS::ApiGateway::UsagePlan')).toHaveLength(3);
    expect(keysWithPlanOnStage().size).toBe(3);
  });

  it("a tenant deployed from tenants.json is named its own plan's key", async () => {
    await onboard(db, secrets, { kind: 'create', tenant: declaration });
    const key = await usageKeyFor('acme', secrets.values.get('secret-acme') ?? '');
    expect(key).toMatch(/-acme$/);
    expect(keysWithPlanOnStage().has(key ?? '')).toBe(true);
  });

  it("a tenant added with scim-admin is named the shared plan's key", async () => {
    const connection: Connection = { db, secrets, local: false, secretIdOf: (id) => `secret-${id}`, close: () => undefined };
    const lines: string[] = [];
    await commands['tenants add']?.(connection, ['walk-in'], {}, { out: (line) => lines.push(line), progress: () => undefined });
    const key = await usageKeyFor('walk-in', secrets.values.get('secret-walk-in') ?? '');
    // Not a key of its own (no plan would cover it): the shared one, which a plan covers.
    expect(key).not.toMatch(/walk-in/);
    expect(keysWithPlanOnStage().has(key ?? '')).toBe(true);
    expect(lines.join('\n')).toMatch(/shared usage plan/);
  });

  it('a tenant removed from tenants.json and re-enabled falls back to the shared plan', async () => {
    await onboard(db, secrets, { kind: 'delete', tenant: declaration });
    const connection: Connection = { db, secrets, local: false, secretIdOf: (id) => `secret-${id}`, close: () => undefined };
    const io = { out: () => undefined, progress: () => undefined };
    await commands['tenants enable']?.(connection, ['acme'], {}, io);
    await commands['tenants rotate-token']?.(connection, ['acme'], { 'overlap-hours': '0' }, io);
    const key = await usageKeyFor('acme', secrets.values.get('secret-acme') ?? '');
    expect(key).not.toMatch(/-acme$/);
    expect(keysWithPlanOnStage().has(key ?? '')).toBe(true);
  });
});
