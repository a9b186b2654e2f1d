/**
 * The OAuth client a tenants.json tenant asks for, kept by the onboarding custom resource's logic
 * on DynamoDB Local, with an in-memory secret store standing in for Secrets Manager.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { authenticateClient } from '../../functions/oauth/oauth-clients';
import type { Db } from '../../functions/store/db';
import { onboard, type TenantDeclaration } from '../../functions/tenants/onboard';
import { testDb } from '../support/dynamodb';
import { MemorySecrets } from '../support/memory-secrets';

const declaration = (overrides: Partial<TenantDeclaration> = {}): TenantDeclaration => ({
  tenantId: 'acme',
  displayName: 'Acme',
  settings: JSON.stringify({ requiredAttributes: {} }),
  tokenVersion: '1',
  tokenOverlapHours: '24',
  secretId: 'token-acme',
  oauthClient: 'true',
  oauthClientVersion: '1',
  oauthSecretId: 'oauth-acme',
  tokenEndpoint: 'https://api.example/v2/tenants/acme/oauth2/token',
  ...overrides,
});

describe('OAuth client by deploy', () => {
  let db: Db;
  const secrets = new MemorySecrets({ 'oauth-acme': 'placeholder-from-cloudformation' });
  const stored = () =>
    JSON.parse(secrets.values.get('oauth-acme') ?? '{}') as { clientId: string; clientSecret: string; tokenEndpoint?: string };
  const works = async (credentials: { clientId: string; clientSecret: string }) =>
    Boolean(await authenticateClient(db, 'acme', credentials.clientId, credentials.clientSecret));

  beforeAll(async () => {
    db = await testDb('onboarding-oauth');
  });
  afterAll(() => db.client.destroy());

  it('create puts a new client into the OAuth secret, with the token endpoint', async () => {
    await onboard(db, secrets, { kind: 'create', tenant: declaration() });
    const first = stored();
    expect(first.clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(first.tokenEndpoint).toBe('https://api.example/v2/tenants/acme/oauth2/token');
    expect(await works(first)).toBe(true);
  });

  it('an update without a version change keeps the client', async () => {
    const before = stored();
    await onboard(db, secrets, { kind: 'update', tenant: declaration({ displayName: 'Acme Corp' }), previous: declaration() });
    expect(stored()).toEqual(before);
  });

  it('a new oauthClientVersion rotates the secret; the previous one works for the overlap', async () => {
    const before = stored();
    await onboard(db, secrets, { kind: 'update', tenant: declaration({ oauthClientVersion: '2' }), previous: declaration() });
    const after = stored();
    expect(after.clientId).toBe(before.clientId);
    expect(after.clientSecret).not.toBe(before.clientSecret);
    expect(await works(before)).toBe(true);
    expect(await works(after)).toBe(true);
  });

  it('turning oauthClient off revokes the client; turning it on again makes a new one', async () => {
    const before = stored();
    await onboard(db, secrets, {
      kind: 'update',
      tenant: declaration({ oauthClient: 'false', oauthClientVersion: '2' }),
      previous: declaration({ oauthClientVersion: '2' }),
    });
    expect(await works(before)).toBe(false);
    await onboard(db, secrets, {
      kind: 'update',
      tenant: declaration({ oauthClientVersion: '2' }),
      previous: declaration({ oauthClient: 'false', oauthClientVersion: '2' }),
    });
    expect(stored().clientId).not.toBe(before.clientId);
    expect(await works(stored())).toBe(true);
  });

  it('delete revokes the client', async () => {
    const before = stored();
    await onboard(db, secrets, { kind: 'delete', tenant: declaration({ oauthClientVersion: '2' }) });
    expect(await works(before)).toBe(false);
  });

  it('a tenant without oauthClient gets no client and no secret write', async () => {
    const quiet = new MemorySecrets({ 'oauth-acme': 'placeholder-from-cloudformation' });
    await onboard(db, quiet, {
      kind: 'create',
      tenant: declaration({ tenantId: 'globex', oauthClient: 'false', oauthSecretId: 'oauth-globex' }),
    });
    expect(quiet.values.has('oauth-globex')).toBe(false);
  });
});
