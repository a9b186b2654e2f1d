/**
 * The access-token signing key, behind one interface with two implementations:
 *  - KMS (AWS): an ECC_NIST_P256 SIGN_VERIFY key; the private key never leaves KMS. The token
 *    function may only kms:Sign, the authorizer only kms:GetPublicKey (lib/token-endpoint.ts).
 *  - a local key file (the local server): an ES256 JWK in SCIM_DATA_DIR, created on first start.
 * Which one a function uses is read from the environment (signing-key.ts); with neither the
 * function refuses to sign or verify. The authorizer only verifies: it takes the public key from
 * verification-key.ts, which carries no KMS client.
 */
import type { KeyObject } from 'node:crypto';
import { kmsSigner } from './kms-signer';
import { localSigner } from './local-signer';
import { signingKeySource, sourceId } from './signing-key';

export interface AccessTokenSigner {
  /** JOSE `kid` of the tokens this key signs. */
  readonly keyId: string;
  /** The ES256 signature of the JWS signing input, as JOSE wants it: raw `r || s`, 64 bytes. */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
  /** The public key tokens are verified with (fetched once, then kept for the container's life). */
  publicKey(): Promise<KeyObject>;
}

const signers = new Map<string, AccessTokenSigner>();

/** The process's signer, one per key (so the public key is fetched once per container). */
export function defaultSigner(): AccessTokenSigner {
  const source = signingKeySource();
  const id = sourceId(source);
  let signer = signers.get(id);
  if (!signer) {
    signer = source.kind === 'kms' ? kmsSigner(source.keyArn) : localSigner(source.file);
    signers.set(id, signer);
  }
  return signer;
}
