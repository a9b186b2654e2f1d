/**
 * The access-token signing key, behind one interface with two implementations:
 *  - KMS (AWS): an ECC_NIST_P256 SIGN_VERIFY key; the private key never leaves KMS. The token
 *    function may only kms:Sign, the authorizer only kms:GetPublicKey (lib/token-endpoint.ts).
 *  - a local key file (the local server): an ES256 JWK in SCIM_DATA_DIR, created on first start.
 * Which one a function uses is read from the environment (signing-key.ts); with neither the
 * function refuses to sign or verify. The authorizer only verifies: it takes the public key from
 * verification-key.ts, which carries no KMS client.
 */
import { kmsSigner } from './kms-signer';
import { localSigner } from './local-signer';
import { signingKeySource, sourceId, type AccessTokenSigner } from './signing-key';

export type { AccessTokenSigner } from './signing-key';

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
