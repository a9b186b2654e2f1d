/**
 * Access tokens signed by an AWS KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): KMS signs the
 * JWS signing input (MessageType RAW: KMS hashes it with SHA-256), the DER signature is re-packed
 * as JOSE `r || s`. The public key comes from kms:GetPublicKey once per container and is kept, so
 * verifying a token never calls KMS.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { derToJoseSignature } from './der';
import type { AccessTokenSigner } from './signer';

/** KMS signs RAW messages up to this size; a JWS signing input of ours is a few hundred bytes. */
const MAX_RAW_MESSAGE_BYTES = 4096;

export function kmsSigner(keyArn: string, client: KMSClient = new KMSClient({})): AccessTokenSigner {
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
      publicKey ??= fetchPublicKey(client, keyArn).catch((error: unknown) => {
        // A failed fetch (throttled, network) is retried by the next call instead of cached.
        publicKey = undefined;
        throw error;
      });
      return publicKey;
    },
  };
}

async function fetchPublicKey(client: KMSClient, keyArn: string): Promise<KeyObject> {
  const { PublicKey, KeySpec, KeyUsage } = await client.send(new GetPublicKeyCommand({ KeyId: keyArn }));
  if (!PublicKey || KeySpec !== 'ECC_NIST_P256' || KeyUsage !== 'SIGN_VERIFY') {
    throw new Error(`KMS key is not an ECC_NIST_P256 SIGN_VERIFY key (${KeySpec ?? 'no spec'}, ${KeyUsage ?? 'no usage'})`);
  }
  return createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' });
}
