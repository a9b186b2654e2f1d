/**
 * The local server's signing key: an ES256 (P-256) private JWK in a file (mode 0600), created on
 * first use, so tokens survive a restart. Signing and key handling are Node's crypto; nothing here
 * is hand-rolled.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AccessTokenSigner } from './signing-key';

function loadOrCreate(file: string): KeyObject {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    try {
      // `wx`: two processes starting at once keep the first key, not two different ones.
      writeFileSync(file, `${JSON.stringify(privateKey.export({ format: 'jwk' }))}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as import('node:crypto').JsonWebKey, format: 'jwk' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${file} is not a P-256 private key`);
  }
  return key;
}

/** The file's public key, for verifying (the authorizer): the key file is created if absent, as by the signer. */
export const localPublicKey = (file: string): KeyObject => createPublicKey(loadOrCreate(file));

export function localSigner(file: string): AccessTokenSigner {
  const privateKey = loadOrCreate(file);
  const publicKey = createPublicKey(privateKey);
  const keyId = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 16);
  return {
    keyId,
    sign: async (input) => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    publicKey: async () => publicKey,
  };
}
