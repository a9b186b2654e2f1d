/** Which OAuth clients `npm start` seeds (SCIM_LOCAL_OAUTH_CLIENTS, or generated and kept in the data folder). */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { localOAuthClients, oauthClientFile, parseLocalOAuthClients } from '../../../local/local-tenants';
import type { LocalTenant } from '../../../local/seed';

const dir = mkdtempSync(join(tmpdir(), 'local-clients-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'a'.repeat(43);
const tenants: LocalTenant[] = [
  { tenantId: 'dev', token: 'x' },
  { tenantId: 'contoso', token: 'x', oauthClient: true },
  { tenantId: 'plain', token: 'x' },
];

describe('SCIM_LOCAL_OAUTH_CLIENTS', () => {
  it('seeds exactly the clients it lists', async () => {
    expect(await localOAuthClients(`dev=devClient01:${SECRET}, contoso=contosoClient:${SECRET}`, tenants, dir)).toEqual([
      { tenantId: 'dev', clientId: 'devClient01', clientSecret: SECRET },
      { tenantId: 'contoso', clientId: 'contosoClient', clientSecret: SECRET },
    ]);
  });

  it.each([
    ['no = sign', `devClient01:${SECRET}`, /entry 1 is not of the form/],
    ['a bad tenant id', `Dev=devClient01:${SECRET}`, /not a tenant id/],
    ['a short client id', `dev=short:${SECRET}`, /client id must match/],
    ['a short secret', 'dev=devClient01:tooshort', /43 base64url characters/],
    ['a client twice', `dev=devClient01:${SECRET},dev=devClient01:${SECRET}`, /listed twice/],
    ['nothing', ' , ', /lists no client/],
  ])('refuses %s, without echoing the secret', (_why, value, message) => {
    expect(() => parseLocalOAuthClients(value)).toThrow(message);
    try {
      parseLocalOAuthClients(value);
    } catch (error) {
      expect(String(error)).not.toContain(SECRET);
    }
  });

  it('refuses a client of a tenant that is not seeded', async () => {
    await expect(localOAuthClients(`globex=globexClient:${SECRET}`, tenants, dir)).rejects.toThrow(/not a local tenant/);
  });
});

describe('unset', () => {
  it('makes one client for dev and for each tenants.json tenant that asks, kept across restarts', async () => {
    const first = await localOAuthClients(undefined, tenants, dir);
    expect(first.map((c) => c.tenantId)).toEqual(['dev', 'contoso']);
    expect(await localOAuthClients(undefined, tenants, dir)).toEqual(first);
    expect(statSync(oauthClientFile(dir, 'dev')).mode & 0o777).toBe(0o600);
  });
});

describe('tenants.json OAuth fields', () => {
  const file = (tenant: Record<string, unknown>) => ({ tenants: [{ id: 'acme', displayName: 'Acme', ...tenant }] });

  it('defaults: no client, no version (deploys issue no clients since #22), lifetime left to the token endpoint (60 minutes)', async () => {
    const { parseTenantsFile } = await import('../../../functions/tenants/tenants-file');
    const [acme] = parseTenantsFile(file({}));
    expect(acme).toMatchObject({ oauthClient: false });
    expect(acme?.oauthClientVersion).toBeUndefined();
    expect(acme?.settings.tokenLifetimeMinutes).toBeUndefined();
  });

  it.each([59, 361, 90.5])('refuses a token lifetime of %s minutes (60 to 360)', async (minutes) => {
    const { parseTenantsFile } = await import('../../../functions/tenants/tenants-file');
    expect(() => parseTenantsFile(file({ settings: { tokenLifetimeMinutes: minutes } }))).toThrow();
  });

  it('accepts 60 and 360 minutes', async () => {
    const { parseTenantsFile } = await import('../../../functions/tenants/tenants-file');
    for (const minutes of [60, 360])
      expect(parseTenantsFile(file({ settings: { tokenLifetimeMinutes: minutes } }))[0]?.settings.tokenLifetimeMinutes).toBe(minutes);
  });
});
