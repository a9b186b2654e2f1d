/**
 * The token secret store on AWS Secrets Manager, as the onboarding custom resource uses it
 * (functions/onboarding.ts): a module of its own so the onboarding tests run this very code against
 * moto's Secrets Manager. A secret that does not exist reads as undefined.
 */
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenSecretStore } from './onboard';
import { errorNamed } from '../commons/error-named';

export function secretsManagerStore(client: SecretsManagerClient): TokenSecretStore {
  return {
    async read(secretId) {
      try {
        return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
      } catch (error) {
        if (errorNamed(error, 'ResourceNotFoundException')) return undefined;
        throw error;
      }
    },
    async write(secretId, token) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: token }));
    },
  };
}
