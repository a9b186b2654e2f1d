/**
 * Where `scim-admin tokens issue` keeps a tenant's secret token for the operator to read once: the
 * port, and its AWS Secrets Manager implementation (a module of its own so tests run this very code
 * against moto's Secrets Manager; token files locally, admin/connection.ts). Only the token's hash is
 * in the table (credentials/token-service.ts). A secret that does not exist reads as undefined.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { errorNamed } from '../commons/error-named';

/** Where a tenant's token is kept for ops to read once. */
export interface TokenSecretStore {
  read(secretId: string): Promise<string | undefined>;
  write(secretId: string, token: string): Promise<void>;
}

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
    /** A secret that does not exist yet (a tenant's first token) is created on the first write. */
    async write(secretId, token) {
      try {
        await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: token }));
      } catch (error) {
        if (!errorNamed(error, 'ResourceNotFoundException')) throw error;
        await client.send(new CreateSecretCommand({ Name: secretId, SecretString: token, Description: 'SCIM secret token of a tenant' }));
      }
    },
  };
}
