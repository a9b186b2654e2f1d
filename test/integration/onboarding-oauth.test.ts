/**
 * The OAuth client a tenants.json tenant asks for, kept by the onboarding custom resource's logic
 * on DynamoDB Local, with the production Secrets Manager store on moto_server.
 */
import { expect } from '@jest/globals';
import { authenticateClient } from '../../functions/oauth/oauth-clients';
import type { Db } from '../../functions/store/db';
import { onboard, type TenantDeclaration } from '../../functions/tenants/onboard';
import { testDb } from '../support/dynamodb';
import { describeWithMoto } from '../support/moto';
import { motoSecrets, type MotoSecrets } from '../support/moto-secrets';

/** ARNs of the secrets CloudFormation creates before the custom resource runs. */
const ids = { token: '', oauth: '', globexToken: '', globexOauth: '' };

const declaration = (overrides: Partial<TenantDeclaration> = {}): TenantDeclaration => ({
  tenantId: 'acme',
  displayName: 'Acme',
  settings: JSON.stringify({ requiredAttributes: {} }),
  tokenVersion: '1',
  tokenOverlapHours: '24',
  secretId: ids.token,
  oauthClient: 'true',
  oauthClientVersion: '1',
  oauthSecretId: ids.oauth,
  tokenEndpoint: 'https://api.example/v2/tenants/acme/oauth2/token',
  ...overrides,
});

let db: Db;
let secrets: MotoSecrets;
const stored = async () => JSON.parse(await secrets.value(ids.oauth)) as { clientId: string; clientSecret: string; tokenEndpoint?: string };
const works = async (credentials: { clientId: string; clientSecret: string }) =>
  Boolean(await authenticateClient(db, 'acme', credentials.clientId, credentials.clientSecret));

describeWithMoto('OAuth client by deploy', {
  setup: async (moto) => {
    db = await testDb('onboarding-oauth');
    secrets = motoSecrets(moto);
    ids.token = await secrets.create('token-acme', 'placeholder-from-cloudformation');
    ids.oauth = await secrets.create('oauth-acme', 'placeholder-from-cloudformation');
    ids.globexToken = await secrets.create('token-globex', 'placeholder-from-cloudformation');
    ids.globexOauth = await secrets.create('oauth-globex', 'placeholder-from-cloudformation');
  },
  teardown: async () => {
    secrets?.destroy();
    db?.client.destroy();
  },
  tests: {
    'create puts a new client into the OAuth secret, with the token endpoint': async () => {
      await onboard(db, secrets.store, { kind: 'create', tenant: declaration() });
      const first = await stored();
      expect(first.clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(first.tokenEndpoint).toBe('https://api.example/v2/tenants/acme/oauth2/token');
      expect(await works(first)).toBe(true);
    },

    'an update without a version change keeps the client': async () => {
      const before = await stored();
      await onboard(db, secrets.store, { kind: 'update', tenant: declaration({ displayName: 'Acme Corp' }), previous: declaration() });
      expect(await stored()).toEqual(before);
    },

    'a new oauthClientVersion rotates the secret; the previous one works for the overlap': async () => {
      const before = await stored();
      await onboard(db, secrets.store, { kind: 'update', tenant: declaration({ oauthClientVersion: '2' }), previous: declaration() });
      const after = await stored();
      expect(after.clientId).toBe(before.clientId);
      expect(after.clientSecret).not.toBe(before.clientSecret);
      expect(await works(before)).toBe(true);
      expect(await works(after)).toBe(true);
    },

    'turning oauthClient off revokes the client; turning it on again makes a new one': async () => {
      const before = await stored();
      await onboard(db, secrets.store, {
        kind: 'update',
        tenant: declaration({ oauthClient: 'false', oauthClientVersion: '2' }),
        previous: declaration({ oauthClientVersion: '2' }),
      });
      expect(await works(before)).toBe(false);
      await onboard(db, secrets.store, {
        kind: 'update',
        tenant: declaration({ oauthClientVersion: '2' }),
        previous: declaration({ oauthClient: 'false', oauthClientVersion: '2' }),
      });
      expect((await stored()).clientId).not.toBe(before.clientId);
      expect(await works(await stored())).toBe(true);
    },

    'delete revokes the client': async () => {
      const before = await stored();
      await onboard(db, secrets.store, { kind: 'delete', tenant: declaration({ oauthClientVersion: '2' }) });
      expect(await works(before)).toBe(false);
    },

    'a tenant without oauthClient gets no client and no secret write': async () => {
      await onboard(db, secrets.store, {
        kind: 'create',
        tenant: declaration({ tenantId: 'globex', secretId: ids.globexToken, oauthClient: 'false', oauthSecretId: ids.globexOauth }),
      });
      expect(await secrets.value(ids.globexToken)).not.toBe('placeholder-from-cloudformation');
      expect(await secrets.value(ids.globexOauth)).toBe('placeholder-from-cloudformation');
    },
  },
});
