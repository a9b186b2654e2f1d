/**
 * The access-token signing key, behind one interface with two implementations:
 *  - KMS (AWS): an ECC_NIST_P256 SIGN_VERIFY key; the private key never leaves KMS. The token
 *    function may only kms:Sign, the authorizer only kms:GetPublicKey (lib/token-endpoint.ts).
 *  - a local key file (the local server): an ES256 JWK in SCIM_DATA_DIR, created on first start.
 * Which one a function uses is read from the environment (OAUTH_SIGNING_KEY_ARN, else
 * OAUTH_LOCAL_KEY_FILE); with neither the function refuses to sign or verify.
 */
import type { KeyObject } from 'node:crypto';
import { environment } from '../commons/environment';
import { kmsSigner } from './kms-signer';
import { localSigner } from './local-signer';

/** JWS algorithm of every access token: ECDSA P-256 with SHA-256. */
export const SIGNING_ALGORITHM = 'ES256';

export interface AccessTokenSigner {
  /** JOSE `kid` of the tokens this key signs. */
  readonly keyId: string;
  /** The ES256 signature of the JWS signing input, as JOSE wants it: raw `r || s`, 64 bytes. */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
  /** The public key tokens are verified with (fetched once, then kept for the container's life). */
  publicKey(): Promise<KeyObject>;
}

export class SigningKeyNotConfiguredError extends Error {
  constructor() {
    super('no access-token signing key: set OAUTH_SIGNING_KEY_ARN (KMS) or OAUTH_LOCAL_KEY_FILE');
  }
}

const signers = new Map<string, AccessTokenSigner>();

/** The process's signer, one per key (so the public key is fetched once per container). */
export function defaultSigner(): AccessTokenSigner {
  const keyArn = environment.oauthSigningKeyArn();
  const keyFile = environment.oauthLocalKeyFile();
  const id = keyArn ? `kms:${keyArn}` : keyFile ? `file:${keyFile}` : undefined;
  if (!id) throw new SigningKeyNotConfiguredError();
  let signer = signers.get(id);
  if (!signer) {
    signer = keyArn ? kmsSigner(keyArn) : localSigner(keyFile as string);
    signers.set(id, signer);
  }
  return signer;
}
