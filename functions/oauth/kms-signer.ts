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

/** The key's region, from its ARN (`arn:aws:kms:<region>:<account>:key/<id>`); else the SDK's default. */
const regionOf = (keyArn: string): string | undefined => /^arn:[^:]+:kms:([^:]+):/.exec(keyArn)?.[1];

export function kmsSigner(keyArn: string, client: KMSClient = new KMSClient({ ...(regionOf(keyArn) ? { region: regionOf(keyArn) } : {}) })): AccessTokenSigner {
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
  const { PublicKey, KeyUsage } = await client.send(new GetPublicKeyCommand({ KeyId: keyArn }));
  if (!PublicKey || (KeyUsage !== undefined && KeyUsage !== 'SIGN_VERIFY')) throw new Error('KMS key is not a SIGN_VERIFY key with a public key');
  // The key itself, not the metadata, decides: it must be a P-256 key for ES256.
  const key = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('KMS key is not an ECC_NIST_P256 key');
  }
  return key;
}
