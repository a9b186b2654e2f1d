/**
 * Federated credentials declared in tenants.json: validated with errors naming the tenant and the
 * path (synth and `npm start` parse the file with parseTenantsFile; onboarding parses the custom
 * resource's property again), and kept in the table exactly as declared by `npm start`'s seeding
 * and by onboarding on deploy, leaving credentials added through the admin API or CLI alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addFederatedCredential, listTenantFederatedCredentials } from '../../functions/federation/federated-credentials';
import type { Db } from '../../functions/store/db';
import { parseTenantsFile } from '../../functions/tenants/config';
import { onboard, type TenantDeclaration } from '../../functions/tenants/onboard';
import { seedTenants } from '../../local/seed';
import { generateToken } from '../../functions/credentials/secret-token';
import { dropTable, testDb } from '../support/dynamodb';
import { describeWithMoto } from '../support/moto';
import { motoSecrets, type MotoSecrets } from '../support/moto-secrets';

const ENTRA = '11111111-2222-3333-4444-555555555555';
const credential = (overrides: Record<string, unknown> = {}) => ({
  id: 'entra',
  clientId: 'acme-entra-wif',
  issuer: `https://login.microsoftonline.com/${ENTRA}/v2.0`,
  jwksUri: `https://login.microsoftonline.com/${ENTRA}/discovery/v2.0/keys`,
  subject: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  audiences: ['99999999-8888-7777-6666-555555555555', 'api://99999999-8888-7777-6666-555555555555'],
  tenantId: ENTRA,
  ...overrides,
});
const file = (federatedCredentials: unknown) => ({ tenants: [{ id: 'acme', displayName: 'Acme', federatedCredentials }] });
const declared = async (db: Db, tenantId = 'acme') =>
  (await listTenantFederatedCredentials(db, tenantId))
    .map(({ id, clientId, source }) => ({ id, clientId, source }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('tenants.json federatedCredentials', () => {
  it('defaults to none and takes a credential as Entra describes it', () => {
    expect(parseTenantsFile({ tenants: [{ id: 'acme', displayName: 'Acme' }] })[0]?.federatedCredentials).toEqual([]);
    expect(parseTenantsFile(file([credential()]))[0]?.federatedCredentials).toEqual([credential()]);
  });

  it.each([
    [
      'a JWKS host not allowed',
      [credential({ jwksUri: 'https://evil.example/keys' })],
      /^tenant "acme": federatedCredentials\[0\]\.jwksUri: jwksUri host "evil\.example" is not allowed/,
    ],
    [
      'plain http to a public host',
      [credential({ jwksUri: 'http://login.microsoftonline.com/x/keys' })],
      /federatedCredentials\[0\]\.jwksUri: jwksUri must use https/,
    ],
    ['no audience', [credential({ audiences: [] })], /federatedCredentials\[0\]\.audiences: /],
    ['no id', [credential({ id: undefined })], /federatedCredentials\[0\]\.id: /],
    ['a short client id', [credential({ clientId: 'short' })], /federatedCredentials\[0\]\.clientId: clientId: letters/],
    ['a repeated id', [credential(), credential({ clientId: 'another-client' })], /federatedCredentials\[1\]\.id: id is repeated/],
    ['a repeated client id', [credential(), credential({ id: 'other' })], /federatedCredentials\[1\]\.clientId: clientId is repeated/],
  ])('refuses %s, naming the tenant and the path', (_name, list, message) => {
    expect(() => parseTenantsFile(file(list))).toThrow(message);
  });
});

describe('kept in the table as declared', () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb('federation-declared');
  });
  afterAll(async () => dropTable(db));

  it('by npm start: seeded, changed, removed; credentials added by the admin API stay', async () => {
    const token = generateToken();
    await seedTenants(db, [
      { tenantId: 'acme', token, federatedCredentials: [credential(), credential({ id: 'second', clientId: 'acme-second-wif' })] },
    ]);
    await addFederatedCredential(db, 'acme', credential({ id: 'by-admin', clientId: 'acme-admin-wif' }));
    expect(await declared(db)).toEqual([
      { id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' },
      { id: 'entra', clientId: 'acme-entra-wif', source: 'config' },
      { id: 'second', clientId: 'acme-second-wif', source: 'config' },
    ]);
    // A restart with the file changed: `entra` gets another client id, `second` is gone.
    await seedTenants(db, [
      { tenantId: 'acme', token, federatedCredentials: [credential({ clientId: 'acme-renamed-wif', subject: 'new-subject' })] },
    ]);
    expect(await declared(db)).toEqual([
      { id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' },
      { id: 'entra', clientId: 'acme-renamed-wif', source: 'config' },
    ]);
    expect((await listTenantFederatedCredentials(db, 'acme')).find((c) => c.id === 'entra')?.subject).toBe('new-subject');
    // A declared id the admin API holds is a conflict, not an overwrite.
    await expect(
      seedTenants(db, [{ tenantId: 'acme', token, federatedCredentials: [credential({ id: 'by-admin', clientId: 'acme-other-wif' })] }]),
    ).rejects.toThrow(/federatedCredentials "by-admin"/);
    expect(await declared(db)).toContainEqual({ id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' });
  });
});

let onboardingDb: Db;
let secrets: MotoSecrets;

// The custom resource's path, with the production Secrets Manager store on moto_server.
describeWithMoto('kept in the table as declared, by onboarding', {
  setup: async (moto) => {
    onboardingDb = await testDb('federation-onboarding');
    secrets = motoSecrets(moto);
  },
  teardown: async () => {
    secrets?.destroy();
    if (onboardingDb) await dropTable(onboardingDb);
  },
  tests: {
    'created, updated, and all removed when the declaration goes; a bad property fails naming the path': async () => {
      const db = onboardingDb;
      const tenant: TenantDeclaration = {
        tenantId: 'globex',
        displayName: 'Globex',
        settings: '{}',
        tokenVersion: '1',
        tokenOverlapHours: '24',
        secretId: await secrets.create('globex-secret', 'placeholder-from-cloudformation'),
        federatedCredentials: JSON.stringify([credential({ clientId: 'globex-entra-wif' })]),
      };
      await onboard(db, secrets.store, { kind: 'create', tenant });
      expect(await declared(db, 'globex')).toEqual([{ id: 'entra', clientId: 'globex-entra-wif', source: 'config' }]);
      const { federatedCredentials: _gone, ...without } = tenant;
      await onboard(db, secrets.store, { kind: 'update', tenant: without, previous: tenant });
      expect(await declared(db, 'globex')).toEqual([]);
      const bad = { ...tenant, federatedCredentials: JSON.stringify([credential({ jwksUri: 'https://169.254.169.254/keys' })]) };
      await expect(onboard(db, secrets.store, { kind: 'update', tenant: bad, previous: without })).rejects.toThrow(
        /^tenant "globex": federatedCredentials\[0\]\.jwksUri: jwksUri host "169\.254\.169\.254" is not allowed/,
      );
    },
  },
});
