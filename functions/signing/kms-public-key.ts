/**
 * The public key of the KMS signing key, by kms:GetPublicKey as one signed HTTP call
 * (commons/aws-json-call.ts): the authorizer verifies tokens with it and needs nothing else from
 * KMS, so it carries no KMS client. The key itself, not its metadata, decides: it must be a P-256
 * key for ES256, or nothing is verified with it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { awsJsonCall, type AwsJsonService } from '../commons/aws-json-call';
import { environment } from '../commons/environment';

const KMS: AwsJsonService = { name: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1' };
/** The SDK's default for KMS calls. */
const MAX_ATTEMPTS = 3;

/** The key's region, from its ARN (`arn:aws:kms:<region>:<account>:key/<id>`); else AWS_REGION. */
export const regionOfKey = (keyArn: string): string | undefined => /^arn:[^:]+:kms:([^:]+):/.exec(keyArn)?.[1];

export async function fetchKmsPublicKey(keyArn: string): Promise<KeyObject> {
  const region = regionOfKey(keyArn) ?? environment.region();
  if (!region) throw new Error('no region for the KMS key: give a key ARN or set AWS_REGION');
  const endpoint = environment.awsEndpointUrl('KMS');
  const { PublicKey, KeyUsage } = await awsJsonCall<{ PublicKey?: unknown; KeyUsage?: unknown }>(
    KMS,
    'GetPublicKey',
    { KeyId: keyArn },
    {
      region,
      ...(endpoint ? { endpoint } : {}),
      credentials: () => environment.awsCredentials(),
      maxAttempts: MAX_ATTEMPTS,
    },
  );
  // A JSON-protocol blob is base64 (the SDK decodes it to these bytes the same way).
  if (typeof PublicKey !== 'string' || (KeyUsage !== undefined && KeyUsage !== 'SIGN_VERIFY'))
    throw new Error('KMS key is not a SIGN_VERIFY key with a public key');
  const key = createPublicKey({ key: Buffer.from(PublicKey, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('KMS key is not an ECC_NIST_P256 key');
  }
  return key;
}
