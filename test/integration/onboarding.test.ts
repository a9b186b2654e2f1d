/**
 * Onboarding by deploy = tenants.json applied as data (functions/tenants/tenant-seed.ts) on
 * DynamoDB Local, seen through the authorizer, with the recording rate tiers standing in for API
 * Gateway (its real side: test/integration/rate-tiers.test.ts). Then the custom resource handler
 * (functions/onboarding.ts) with a declarations file beside it as the bundle carries it, and the
 * per-tenant resources of stacks before #22 being deleted by an upgrade.
 * (A file of its own: the authorizer module here reads this file's table.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayAuthorizerResult, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { APIGatewayClient, CreateUsagePlanCommand, GetUsagePlanKeysCommand } from '@aws-sdk/client-api-gateway';
import { handler as authorize } from '../../functions/authorizer';
import { handler as onEvent } from '../../functions/onboarding';
import type { Db } from '../../functions/store/db';
import { createResource, getResources } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { getTenant, putTenant, putToken, setTenantStatus } from '../../functions/store/tenants';
import { SEED_FILE_NAME, seedFileOf, type TenantSeedDeclaration } from '../../functions/tenants/seed-declarations';
import { generateToken, hashToken } from '../../functions/credentials/secret-token';
import { applyTenantSeed } from '../../functions/tenants/tenant-seed';
import { deleteTenant } from '../../functions/tenants/tenant-service';
import { purgeTenant } from '../../functions/tenants/tenant-purge';
import { getEventStream } from '../../functions/store/event-stream-items';
import { POLL_METHOD, PUSH_METHOD } from '../../functions/events/stream-config';
import { issuePollCredential } from '../../functions/events/stream-service';
import { tenantUsageKeyOf } from '../../functions/tenants/usage-key';
import { recordingRateTiers } from '../../local/local-rate-tiers';
import { testDb } from '../support/dynamodb';
import { describeWithMoto, type Moto } from '../support/moto';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v2/GET/tenants/acme/scim/v2/Users';

const acme = (overrides: Partial<TenantSeedDeclaration> = {}): TenantSeedDeclaration => ({
  id: 'acme',
  displayName: 'Acme',
  settings: { requiredAttributes: {} },
  rateTier: 'standard',
  ...overrides,
});
const contoso: TenantSeedDeclaration = { id: 'contoso', displayName: 'Contoso', settings: {}, rateTier: 'large' };

async function allowed(token: string): Promise<boolean> {
  try {
    const result: APIGatewayAuthorizerResult = await authorize({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn: METHOD_ARN,
    });
    return result.policyDocument.Statement.some((s) => s.Effect === 'Allow');
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return false;
    throw error;
  }
}

describe('tenants.json applied as data', () => {
  let db: Db;
  const tiers = recordingRateTiers();
  const seed = (...declarations: TenantSeedDeclaration[]) => applyTenantSeed(db, tiers, declarations, seedFileOf(declarations).digest);
  const token = generateToken();

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    db = await testDb('onboarding');
  });
  afterAll(() => db.client.destroy());

  it('creates the tenants, each on its tier, and no credential', async () => {
    const outcome = await seed(acme(), contoso);
    expect(outcome).toMatchObject({ created: 2, tiered: 2, disabled: 0 });
    expect(await getTenant(db, 'acme')).toMatchObject({ status: 'active', displayName: 'Acme', rateTier: 'standard' });
    expect(await getTenant(db, 'contoso')).toMatchObject({ status: 'active', rateTier: 'large' });
    expect([...tiers.keys]).toEqual([
      ['acme', 'standard'],
      ['contoso', 'large'],
    ]);
    // The vendor issues the token (admin API / scim-admin); the authorizer then lets it in.
    await putToken(db, { tenantId: 'acme', tokenHash: hashToken(token) });
    expect(await allowed(token)).toBe(true);
  });

  it('changes nothing when the file did not change', async () => {
    const before = await getTenant(db, 'acme');
    expect(await seed(acme(), contoso)).toMatchObject({ created: 0, updated: 0, unchanged: 2, tiered: 0 });
    expect((await getTenant(db, 'acme'))?.lastModified).toBe(before?.lastModified);
  });

  it('updates settings, name and tier without touching the tokens', async () => {
    const settings = { requiredAttributes: { User: ['phoneNumbers'] } };
    expect(await seed(acme({ settings, displayName: 'Acme Corp', rateTier: 'large' }), contoso)).toMatchObject({ updated: 1, tiered: 1 });
    expect(await getTenant(db, 'acme')).toMatchObject({
      displayName: 'Acme Corp',
      rateTier: 'large',
      settings: { requiredAttributes: { User: ['phoneNumbers'] } },
    });
    expect(tiers.keys.get('acme')).toBe('large');
    expect(await allowed(token)).toBe(true);
  });

  it('refuses settings that do not validate, naming the path, and leaves the tenant as it was', async () => {
    const bad = acme({ settings: { requiredAttributes: { User: ['noSuchAttribute'] } } });
    await expect(seed(bad, contoso)).rejects.toThrow(/requiredAttributes/);
    expect((await getTenant(db, 'acme'))?.settings).toMatchObject({ requiredAttributes: { User: ['phoneNumbers'] } });
  });

  it("keeps the vendor's status of a tenant still declared (paused or disabled through the API)", async () => {
    await setTenantStatus(db, 'contoso', 'disabled');
    await seed(acme({ displayName: 'Acme Inc', rateTier: 'large' }), contoso);
    expect((await getTenant(db, 'contoso'))?.status).toBe('disabled');
    await setTenantStatus(db, 'contoso', 'active');
  });

  it('disables a tenant dropped from the file without deleting its data, and resumes it when re-added', async () => {
    await createResource(
      db,
      'acme',
      'User',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-kept', userName: 'kept' },
      standardRegistry,
    );
    expect(await seed(contoso)).toMatchObject({ disabled: 1 });
    expect((await getTenant(db, 'acme'))?.status).toBe('disabled');
    expect(await allowed(token)).toBe(false);
    expect(await getResources(db, 'acme', 'User', ['u-kept'])).toHaveLength(1);

    expect(await seed(acme({ rateTier: 'large' }), contoso)).toMatchObject({ updated: 1, tiered: 0 });
    expect((await getTenant(db, 'acme'))?.status).toBe('active');
    expect(await allowed(token)).toBe(true);
  });

  it('goes through the tenant service: a tenant being deleted through the API stays so, and the deploy goes on', async () => {
    await applyTenantSeed(db, tiers, [acme({ rateTier: 'large' }), contoso, { ...contoso, id: 'leaving' }], 'with-leaving');
    await deleteTenant({ db, rateTiers: tiers }, 'leaving');
    const outcome = await applyTenantSeed(
      db,
      tiers,
      [acme({ rateTier: 'large' }), contoso, { ...contoso, id: 'leaving', displayName: 'Renamed' }],
      'leaving-renamed',
    );
    expect(outcome).toMatchObject({ created: 0, updated: 0 });
    expect(await getTenant(db, 'leaving')).toMatchObject({ status: 'deleting', displayName: 'Contoso' });
    // Dropped from the file: nothing to disable either (still being deleted).
    expect(await seed(acme({ rateTier: 'large' }), contoso)).toMatchObject({ disabled: 0 });
    expect((await getTenant(db, 'leaving'))?.status).toBe('deleting');
  });

  it('leaves a tenant deleted through the admin API deleted while the file still declares it; dropped and declared again, it is created anew', async () => {
    await applyTenantSeed(db, tiers, [acme({ rateTier: 'large' }), contoso, { ...contoso, id: 'purged' }], 'with-purged');
    await deleteTenant({ db, rateTiers: tiers }, 'purged');
    const options = { owner: 'onboarding-test', deadline: Date.now() + 30_000, leaseUntil: Date.now() + 60_000, quarantineMs: 0 };
    let purge = await purgeTenant(db, 'purged', options);
    while (purge.state === 'more') purge = await purgeTenant(db, 'purged', options);
    expect(purge.state).toBe('done');
    expect(await getTenant(db, 'purged')).toBeUndefined();
    // A later deploy (another tenant's line changed) does not bring it back, empty.
    const later = await applyTenantSeed(
      db,
      tiers,
      [acme({ rateTier: 'large', displayName: 'Acme Renamed' }), contoso, { ...contoso, id: 'purged', displayName: 'Purged' }],
      'purged-still-declared',
    );
    expect(later).toMatchObject({ created: 0, updated: 1, deleted: 1 });
    expect(await getTenant(db, 'purged')).toBeUndefined();
    // Dropped from the file, then declared again: created anew, active.
    expect(await seed(acme({ rateTier: 'large' }), contoso)).toMatchObject({ created: 0, disabled: 0, deleted: 0 });
    expect(await seed(acme({ rateTier: 'large' }), contoso, { ...contoso, id: 'purged' })).toMatchObject({ created: 1, deleted: 0 });
    expect(await getTenant(db, 'purged')).toMatchObject({ status: 'active' });
  });

  it("applies the tenants' declared push and poll streams (created, then following the file); a poll stream's credential is issued later, and kept", async () => {
    const push = (endpoint_url: string) => ({ stream_id: 'hr-feed', delivery: { method: PUSH_METHOD, endpoint_url } });
    await applyTenantSeed(
      db,
      tiers,
      [acme({ rateTier: 'large', eventStreams: [push('https://hr.example/events')] }), contoso],
      'streams-1',
    );
    expect(await getEventStream(db, 'acme', 'hr-feed')).toMatchObject({ method: 'push', endpointUrl: 'https://hr.example/events' });
    await applyTenantSeed(db, tiers, [acme({ rateTier: 'large', eventStreams: [push('https://hr.example/v2')] }), contoso], 'streams-2');
    expect((await getEventStream(db, 'acme', 'hr-feed'))?.endpointUrl).toBe('https://hr.example/v2');
    expect(await getEventStream(db, 'contoso', 'hr-feed')).toBeUndefined();
    const poll = acme({ rateTier: 'large', eventStreams: [{ stream_id: 'pull', delivery: { method: POLL_METHOD } }] });
    await applyTenantSeed(db, tiers, [poll, contoso], 'streams-poll');
    // No credential made by a deploy (nowhere to show it once): the poll URL refuses every request until one is issued.
    const created = await getEventStream(db, 'acme', 'pull');
    expect(created).toMatchObject({ method: 'poll' });
    expect(created?.pollTokenHash).toBeUndefined();
    const issued = await issuePollCredential(db, 'acme', 'pull');
    expect(issued.pollCredential).toMatch(/^ssfp_/);
    const hash = (await getEventStream(db, 'acme', 'pull'))?.pollTokenHash;
    expect(hash).toEqual(expect.any(String));
    // The next deploy follows the file and keeps the credential issued meanwhile.
    const changed = acme({ rateTier: 'large', eventStreams: [{ stream_id: 'pull', delivery: { method: POLL_METHOD }, form: 'full' }] });
    await applyTenantSeed(db, tiers, [changed, contoso], 'streams-poll-2');
    expect(await getEventStream(db, 'acme', 'pull')).toMatchObject({ form: 'full', pollTokenHash: hash });
  });

  it('places every key again when the tier plans were replaced since the last seed (an update rolled back and retried)', async () => {
    const replacedPlans = recordingRateTiers(undefined, 'standard', 'other plan ids');
    const outcome = await applyTenantSeed(db, replacedPlans, [acme({ rateTier: 'large' }), contoso], 'digest-after-rollback');
    expect(outcome).toMatchObject({ tiered: 2, unchanged: 2 });
    expect([...replacedPlans.keys].sort()).toEqual([
      ['acme', 'large'],
      ['contoso', 'large'],
    ]);
    // The next seed on the same plans places nothing.
    expect(await applyTenantSeed(db, replacedPlans, [acme({ rateTier: 'large' }), contoso], 'digest-after-rollback')).toMatchObject({
      tiered: 0,
    });
    expect(await applyTenantSeed(db, tiers, [acme({ rateTier: 'large' }), contoso], 'digest-back')).toMatchObject({ tiered: 2 });
  });

  it('moves a tenant of a per-tenant stack (usagePlan own) to its tier on the first seed, keeping its token', async () => {
    await putTenant(db, { tenantId: 'legacy', displayName: 'Legacy', usagePlan: 'own' });
    const legacyToken = generateToken();
    await putToken(db, { tenantId: 'legacy', tokenHash: hashToken(legacyToken) });
    await seed(acme({ rateTier: 'large' }), contoso, { id: 'legacy', displayName: 'Legacy', settings: {}, rateTier: 'standard' });
    expect(await getTenant(db, 'legacy')).toMatchObject({ status: 'active', rateTier: 'standard', usagePlan: 'own' });
    expect(tiers.keys.get('legacy')).toBe('standard');
    expect(await allowed(legacyToken)).toBe(true);
  });
});

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/ScimServerless/1',
  RequestId: 'r-1',
};

const seedEvent = (digest: string, type: 'Create' | 'Update' | 'Delete' = 'Create') =>
  ({
    ...base,
    RequestType: type,
    LogicalResourceId: 'TenantsSeed',
    ResourceType: 'Custom::ScimTenantSeed',
    ResourceProperties: { ServiceToken: base.ServiceToken, declarationsDigest: digest },
    ...(type !== 'Create' ? { PhysicalResourceId: 'tenants-json-seed' } : {}),
    ...(type === 'Update' ? { OldResourceProperties: { ServiceToken: base.ServiceToken, declarationsDigest: 'old' } } : {}),
  }) as CloudFormationCustomResourceEvent;

/** What the upgrade's clean-up sends for a per-tenant resource of a stack before #22 (its properties as that stack wrote them). */
const legacyDelete = (tenantId: string) =>
  ({
    ...base,
    RequestType: 'Delete',
    LogicalResourceId: `TenantsTenant${tenantId}`,
    PhysicalResourceId: `tenant/${tenantId}`,
    ResourceType: 'Custom::ScimTenant',
    ResourceProperties: {
      ServiceToken: base.ServiceToken,
      tenantId,
      tokenVersion: '1',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
      usagePlan: 'own',
    },
  }) as CloudFormationCustomResourceEvent;

let handlerDb: Db;
let taskRoot: string;
let apiGateway: APIGatewayClient;
let standardPlan: string;
const savedEnv = { ...process.env };

describeWithMoto('the custom resource handler (API Gateway on moto)', {
  async setup(moto: Moto) {
    handlerDb = await testDb('onboarding-handler');
    taskRoot = await mkdtemp(join(tmpdir(), 'scim-seed-'));
    apiGateway = new APIGatewayClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    standardPlan = String(
      (await apiGateway.send(new CreateUsagePlanCommand({ name: 'Scim-scim-tier-standard', throttle: { rateLimit: 50, burstLimit: 100 } })))
        .id,
    );
    Object.assign(process.env, {
      TABLE_NAME: handlerDb.table,
      LAMBDA_TASK_ROOT: taskRoot,
      SCIM_RATE_TIERS: JSON.stringify({ standard: 'Scim-scim-tier-standard' }),
      SCIM_DEFAULT_RATE_TIER: 'standard',
      USAGE_KEY_SALT: 'salt12',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_API_GATEWAY: moto.endpoint,
    });
  },
  async teardown() {
    process.env = savedEnv;
    apiGateway.destroy();
    handlerDb.client.destroy();
    await rm(taskRoot, { recursive: true, force: true });
  },
  tests: {
    async 'applies the declarations bundled beside it, when they are the ones the template names'() {
      const file = seedFileOf([{ id: 'fabrikam', displayName: 'Fabrikam', settings: {}, rateTier: 'standard' }]);
      await writeFile(join(taskRoot, SEED_FILE_NAME), JSON.stringify(file));
      const result = await onEvent(seedEvent(file.digest));
      expect(result).toMatchObject({ PhysicalResourceId: 'tenants-json-seed', Data: { created: 1, tiered: 1, digest: file.digest } });
      expect(await getTenant(handlerDb, 'fabrikam')).toMatchObject({ status: 'active', rateTier: 'standard' });
      const { items } = await apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: standardPlan }));
      expect(items?.map((key) => key.name)).toEqual([tenantUsageKeyOf('fabrikam', 'salt12')]);
      // Nothing resembling a credential in what goes back to CloudFormation.
      expect(JSON.stringify(result)).not.toMatch(/scim_|token|secret/i);
    },
    async 'refuses a bundle whose declarations are not the ones the template names'() {
      await expect(onEvent(seedEvent('0'.repeat(64), 'Update'))).rejects.toThrow(/not the one this deploy declares/);
    },
    async 'upgrade: the old per-tenant resource of a tenant still declared is deleted without touching the tenant or its token'() {
      const token = generateToken();
      await putToken(handlerDb, { tenantId: 'fabrikam', tokenHash: hashToken(token) });
      expect(await onEvent(legacyDelete('fabrikam'))).toEqual({ PhysicalResourceId: 'tenant/fabrikam' });
      expect((await getTenant(handlerDb, 'fabrikam'))?.status).toBe('active');
    },
    async 'upgrade: the old resource of a tenant dropped from the file in the same deploy disables it, as before'() {
      await putTenant(handlerDb, { tenantId: 'gone', displayName: 'Gone', usagePlan: 'own' });
      await onEvent(legacyDelete('gone'));
      expect((await getTenant(handlerDb, 'gone'))?.status).toBe('disabled');
    },
    async 'deleting the seed (stack deletion) leaves the tenants'() {
      expect(await onEvent(seedEvent('x', 'Delete'))).toEqual({ PhysicalResourceId: 'tenants-json-seed' });
      expect((await getTenant(handlerDb, 'fabrikam'))?.status).toBe('active');
    },
  },
});
