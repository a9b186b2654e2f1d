/**
 * Federated credentials declared in tenants.json: validated with errors naming the tenant and the
 * path (synth and `npm start` parse the file with parseTenantsFile; the deploy's seed parses them
 * again with its own allowed JWKS hosts), and kept in the table exactly as declared by `npm start`'s seeding
 * and by the tenants.json seed on deploy, leaving credentials added through the admin API or CLI alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addFederatedCredential, listTenantFederatedCredentials } from '../../functions/federation/federated-credentials';
import type { Db } from '../../functions/store/db';
import { parseTenantsFile } from '../../functions/tenants/tenants-file';
import type { TenantSeedDeclaration } from '../../functions/tenants/seed-declarations';
import { applyTenantSeed } from '../../functions/tenants/tenant-seed';
import { recordingRateTiers } from '../../local/local-rate-tiers';
import { seedTenants } from '../../local/seed';
import { unplannedRateTiers } from '../../functions/tenants/configured-rate-tiers';
import { generateToken } from '../../functions/credentials/secret-token';
import { dropTable, testDb } from '../support/dynamodb';

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
    await seedTenants({ db, rateTiers: unplannedRateTiers() }, [
      { tenantId: 'acme', token, federatedCredentials: [credential(), credential({ id: 'second', clientId: 'acme-second-wif' })] },
    ]);
    await addFederatedCredential(db, 'acme', credential({ id: 'by-admin', clientId: 'acme-admin-wif' }));
    expect(await declared(db)).toEqual([
      { id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' },
      { id: 'entra', clientId: 'acme-entra-wif', source: 'config' },
      { id: 'second', clientId: 'acme-second-wif', source: 'config' },
    ]);
    // A restart with the file changed: `entra` gets another client id, `second` is gone.
    await seedTenants({ db, rateTiers: unplannedRateTiers() }, [
      { tenantId: 'acme', token, federatedCredentials: [credential({ clientId: 'acme-renamed-wif', subject: 'new-subject' })] },
    ]);
    expect(await declared(db)).toEqual([
      { id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' },
      { id: 'entra', clientId: 'acme-renamed-wif', source: 'config' },
    ]);
    expect((await listTenantFederatedCredentials(db, 'acme')).find((c) => c.id === 'entra')?.subject).toBe('new-subject');
    // A declared id the admin API holds is a conflict, not an overwrite.
    await expect(
      seedTenants({ db, rateTiers: unplannedRateTiers() }, [
        { tenantId: 'acme', token, federatedCredentials: [credential({ id: 'by-admin', clientId: 'acme-other-wif' })] },
      ]),
    ).rejects.toThrow(/federatedCredentials "by-admin"/);
    expect(await declared(db)).toContainEqual({ id: 'by-admin', clientId: 'acme-admin-wif', source: 'admin' });
  });
});

let seedDb: Db;

// The deploy's path: tenants.json applied as data by the seed custom resource's logic.
describe('kept in the table as declared, by the tenants.json seed on deploy', () => {
  beforeAll(async () => {
    seedDb = await testDb('federation-seed');
  });
  afterAll(async () => {
    if (seedDb) await dropTable(seedDb);
  });

  it('created, updated, and all removed when the declaration goes; a bad declaration fails naming the path', async () => {
    const tiers = recordingRateTiers();
    const globex = (federatedCredentials?: unknown[]): TenantSeedDeclaration => ({
      id: 'globex',
      displayName: 'Globex',
      settings: {},
      rateTier: 'standard',
      ...(federatedCredentials ? { federatedCredentials } : {}),
    });
    await applyTenantSeed(seedDb, tiers, [globex([credential({ clientId: 'globex-entra-wif' })])], 'd1');
    expect(await declared(seedDb, 'globex')).toEqual([{ id: 'entra', clientId: 'globex-entra-wif', source: 'config' }]);
    await applyTenantSeed(seedDb, tiers, [globex()], 'd2');
    expect(await declared(seedDb, 'globex')).toEqual([]);
    await expect(applyTenantSeed(seedDb, tiers, [globex([credential({ jwksUri: 'https://169.254.169.254/keys' })])], 'd3')).rejects.toThrow(
      /^tenant "globex": federatedCredentials\[0\]\.jwksUri: jwksUri host "169\.254\.169\.254" is not allowed/,
    );
  });
});
