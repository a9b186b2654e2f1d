/**
 * Onboarding by deploy: the custom resource's logic on DynamoDB Local, with the production Secrets
 * Manager store on moto_server, seen through the authorizer.
 * (A file of its own: the authorizer module here reads this file's table.)
 */
import { expect } from '@jest/globals';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { handler as authorize } from '../../functions/authorizer';
import type { Db } from '../../functions/store/db';
import { createResource, getResources } from '../../functions/store/resources';
import { standardRegistry } from '../../functions/scim/schema/registry';
import { getTenant } from '../../functions/store/tenants';
import { onboard, type TenantDeclaration } from '../../functions/tenants/onboard';
import { TOKEN_PATTERN } from '../../functions/credentials/secret-token';
import { testDb } from '../support/dynamodb';
import { describeWithMoto } from '../support/moto';
import { motoSecrets, type MotoSecrets } from '../support/moto-secrets';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v2/GET/tenants/acme/scim/v2/Users';

let secretId = '';
const declaration = (overrides: Partial<TenantDeclaration> = {}): TenantDeclaration => ({
  tenantId: 'acme',
  displayName: 'Acme',
  settings: JSON.stringify({ requiredAttributes: {} }),
  tokenVersion: '1',
  tokenOverlapHours: '24',
  secretId,
  ...overrides,
});

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

let db: Db;
let secrets: MotoSecrets;
const token = () => secrets.value(secretId);

describeWithMoto('onboarding by deploy', {
  setup: async (moto) => {
    db = await testDb('onboarding');
    secrets = motoSecrets(moto);
    secretId = await secrets.create('secret-acme', 'initial-placeholder-from-cloudformation');
  },
  teardown: async () => {
    secrets?.destroy();
    db?.client.destroy();
  },
  tests: {
    'creates the tenant and a token that only the secret holds': async () => {
      await onboard(db, secrets.store, { kind: 'create', tenant: declaration() });
      expect(await token()).toMatch(TOKEN_PATTERN);
      expect(await getTenant(db, 'acme')).toMatchObject({ status: 'active', displayName: 'Acme' });
      expect(await allowed(await token())).toBe(true);
    },

    'updates settings without touching the token': async () => {
      const before = await token();
      const settings = JSON.stringify({ requiredAttributes: { User: ['phoneNumbers'] } });
      await onboard(db, secrets.store, { kind: 'update', tenant: declaration({ settings }), previous: declaration() });
      expect(await token()).toBe(before);
      expect((await getTenant(db, 'acme'))?.settings.requiredAttributes).toMatchObject({ User: ['phoneNumbers'] });
    },

    'rotates on a new tokenVersion, keeping the old token for the overlap': async () => {
      const old = await token();
      await onboard(db, secrets.store, { kind: 'update', tenant: declaration({ tokenVersion: '2' }), previous: declaration() });
      expect(await token()).not.toBe(old);
      expect(await allowed(await token())).toBe(true);
      expect(await allowed(old)).toBe(true);
      const older = await token();
      await onboard(db, secrets.store, {
        kind: 'update',
        tenant: declaration({ tokenVersion: '3', tokenOverlapHours: '0' }),
        previous: declaration({ tokenVersion: '2' }),
      });
      expect(await allowed(older)).toBe(false);
      expect(await allowed(await token())).toBe(true);
    },

    'disables a removed tenant without deleting its data, and re-enables it when re-added': async () => {
      await createResource(
        db,
        'acme',
        'User',
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-kept', userName: 'kept' },
        standardRegistry,
      );
      const before = await token();
      await onboard(db, secrets.store, { kind: 'delete', tenant: declaration({ tokenVersion: '3' }) });
      expect((await getTenant(db, 'acme'))?.status).toBe('disabled');
      expect(await allowed(before)).toBe(false);
      expect(await getResources(db, 'acme', 'User', ['u-kept'])).toHaveLength(1);

      await onboard(db, secrets.store, { kind: 'create', tenant: declaration() });
      expect((await getTenant(db, 'acme'))?.status).toBe('active');
      expect(await token()).not.toBe(before);
      expect(await allowed(await token())).toBe(true);
      expect(await allowed(before)).toBe(false);
    },
  },
});
