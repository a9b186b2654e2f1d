/**
 * Secrets Manager on moto for the onboarding tests: the production store (functions/tenants/
 * secrets-manager-store.ts) on a client pointed at moto, plus what CloudFormation does before the
 * custom resource runs (create each secret with a placeholder) and a plain read of a secret.
 */
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerStore, type TokenSecretStore } from '../../functions/credentials/token-secret-store';
import type { Moto } from './moto';

export interface MotoSecrets {
  readonly store: TokenSecretStore;
  /** Creates a secret holding `placeholder`, as CloudFormation does; returns its ARN. */
  create(name: string, placeholder: string): Promise<string>;
  /** The secret's current value. */
  value(secretId: string): Promise<string>;
  destroy(): void;
}

export function motoSecrets(moto: Moto): MotoSecrets {
  const client = new SecretsManagerClient({
    region: 'eu-west-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  return {
    store: secretsManagerStore(client),
    async create(name, placeholder) {
      const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: placeholder }));
      if (!ARN) throw new Error(`moto created no secret ${name}`);
      return ARN;
    },
    async value(secretId) {
      return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '';
    },
    destroy: () => client.destroy(),
  };
}
