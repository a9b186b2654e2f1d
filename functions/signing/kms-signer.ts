/**
 * Access tokens signed by an AWS KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): KMS signs the
 * JWS signing input (MessageType RAW: KMS hashes it with SHA-256), the DER signature is re-packed
 * as JOSE `r || s`. The public key comes from kms:GetPublicKey (kms-public-key.ts, the authorizer's
 * one way to it) once per signer and is kept, so verifying a token never calls KMS.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { derToJoseSignature } from './der';
import { fetchKmsPublicKey, regionOfKey } from './kms-public-key';
import type { AccessTokenSigner } from './signing-key';
import { traced } from '../commons/sdk-tracing';

/** KMS signs RAW messages up to this size; a JWS signing input of ours is a few hundred bytes. */
const MAX_RAW_MESSAGE_BYTES = 4096;

/** `client` signs; the public key is fetched from the environment's KMS endpoint (kms-public-key.ts). */
export function kmsSigner(
  keyArn: string,
  client: KMSClient = traced(new KMSClient({ ...(regionOfKey(keyArn) ? { region: regionOfKey(keyArn) } : {}) })),
): AccessTokenSigner {
  let publicKey: Promise<KeyObject> | undefined;
  return {
    // Not the ARN itself: the token names the key without naming the account.
    keyId: createHash('sha256').update(keyArn).digest('base64url').slice(0, 16),
    async sign(input) {
      if (input.byteLength > MAX_RAW_MESSAGE_BYTES) throw new Error('JWS signing input too large for KMS');
      const { Signature } = await client.send(
        new SignCommand({ KeyId: keyArn, Message: input, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      if (!Signature) throw new Error('KMS returned no signature');
      return derToJoseSignature(Signature, 32);
    },
    publicKey() {
      publicKey ??= fetchKmsPublicKey(keyArn).catch((error: unknown) => {
        // A failed fetch (throttled, network) is retried by the next call instead of cached.
        publicKey = undefined;
        throw error;
      });
      return publicKey;
    },
  };
}
