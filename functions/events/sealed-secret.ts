/**
 * A push stream's Authorization header is a receiver's secret: it is stored sealed and opened only
 * by the delivery function, just before a POST. In AWS it is encrypted by a symmetric KMS key of its
 * own (EVENTS_SECRETS_KEY_ARN, kms:Encrypt for writers, kms:Decrypt for the delivery function); locally
 * by AES-256-GCM under a key file in the data folder (EVENTS_LOCAL_SECRETS_FILE). Either way the
 * tenant and stream are bound in (KMS encryption context, GCM additional data): a sealed value copied
 * to another stream does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { environment } from '../commons/environment';

export interface SecretScope {
  readonly tenantId: string;
  readonly streamId: string;
}

const LOCAL = 'local1:';
const KMS = 'kms1:';

function localKey(file: string): Buffer {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} is not a 256-bit key`);
  return key;
}

const scopeText = (scope: SecretScope) => `${scope.tenantId}/${scope.streamId}`;

let kmsClient: KMSClient | undefined;
const kms = () => (kmsClient ??= new KMSClient({}));

function source(): { kind: 'kms'; keyArn: string } | { kind: 'file'; file: string } {
  const keyArn = environment.eventsSecretsKeyArn();
  if (keyArn) return { kind: 'kms', keyArn };
  const file = environment.eventsLocalSecretsFile();
  if (file) return { kind: 'file', file };
  throw new Error('no key for stream secrets: set EVENTS_SECRETS_KEY_ARN (KMS) or EVENTS_LOCAL_SECRETS_FILE');
}

export async function sealSecret(plain: string, scope: SecretScope): Promise<string> {
  const from = source();
  if (from.kind === 'kms') {
    const { CiphertextBlob } = await kms().send(
      new EncryptCommand({ KeyId: from.keyArn, Plaintext: Buffer.from(plain, 'utf8'), EncryptionContext: { stream: scopeText(scope) } }),
    );
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return KMS + Buffer.from(CiphertextBlob).toString('base64');
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', localKey(from.file), iv);
  cipher.setAAD(Buffer.from(scopeText(scope)));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return LOCAL + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

export async function openSecret(sealed: string, scope: SecretScope): Promise<string> {
  if (sealed.startsWith(KMS)) {
    const { Plaintext } = await kms().send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(sealed.slice(KMS.length), 'base64'),
        EncryptionContext: { stream: scopeText(scope) },
      }),
    );
    if (!Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  }
  const from = source();
  if (!sealed.startsWith(LOCAL) || from.kind !== 'file') throw new Error('sealed secret in an unknown form');
  const [iv, tag, body] = sealed
    .slice(LOCAL.length)
    .split('.')
    .map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) throw new Error('sealed secret in an unknown form');
  const decipher = createDecipheriv('aes-256-gcm', localKey(from.file), iv);
  decipher.setAAD(Buffer.from(scopeText(scope)));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
