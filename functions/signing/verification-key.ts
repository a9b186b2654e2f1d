/**
 * The key the authorizer verifies access tokens with: the public key of the configured signing key
 * (signing-key.ts), from KMS (kms-public-key.ts, no KMS client) or from the local key file. Fetched
 * once per key and kept for the container's life, so verifying a token never calls KMS; a failed
 * fetch (throttled, network) is retried by the next call instead of cached.
 */
import type { KeyObject } from 'node:crypto';
import { fetchKmsPublicKey } from './kms-public-key';
import { localPublicKey } from './local-signer';
import { signingKeySource, sourceId } from './signing-key';

const keys = new Map<string, Promise<KeyObject>>();

export function verificationKey(): Promise<KeyObject> {
  const source = signingKeySource();
  const id = sourceId(source);
  let key = keys.get(id);
  if (!key) {
    key = (source.kind === 'kms' ? fetchKmsPublicKey(source.keyArn) : Promise.resolve().then(() => localPublicKey(source.file))).catch(
      (error: unknown) => {
        keys.delete(id);
        throw error;
      },
    );
    keys.set(id, key);
  }
  return key;
}
