/**
 * Signing the event streams' SETs (RFC 8417: a JWS with `typ` `secevent+jwt`, ES256) with a key used
 * for events only: a KMS key in AWS (EVENTS_SIGNING_KEY_ARN), a local key file otherwise
 * (EVENTS_LOCAL_KEY_FILE). The signers are the access tokens' two implementations (signing/kms-signer.ts,
 * signing/local-signer.ts) pointed at another key. The public key is published as a JWKS (eventJwks).
 */
import { base64url } from 'jose';
import { environment } from '../commons/environment';
import { kmsSigner } from '../signing/kms-signer';
import { localSigner } from '../signing/local-signer';
import type { AccessTokenSigner } from '../signing/signer';
import { SIGNING_ALGORITHM } from '../signing/signing-key';

export const SET_TYPE = 'secevent+jwt';

export class EventSigningKeyNotConfiguredError extends Error {
  constructor() {
    super('no event signing key: set EVENTS_SIGNING_KEY_ARN (KMS) or EVENTS_LOCAL_KEY_FILE');
  }
}

const signers = new Map<string, AccessTokenSigner>();

/** The process's event signer (one per key, so the public key is fetched once per container). */
export function eventSigner(): AccessTokenSigner {
  const keyArn = environment.eventsSigningKeyArn();
  const file = environment.eventsLocalKeyFile();
  const id = keyArn ? `kms:${keyArn}` : file ? `file:${file}` : undefined;
  if (!id) throw new EventSigningKeyNotConfiguredError();
  let signer = signers.get(id);
  if (!signer) {
    signer = keyArn ? kmsSigner(keyArn) : localSigner(file as string);
    signers.set(id, signer);
  }
  return signer;
}

const encodeJson = (value: object) => base64url.encode(JSON.stringify(value));

/** The compact JWS of a SET claim set. */
export async function signSet(signer: AccessTokenSigner, claims: object): Promise<string> {
  const header = { alg: SIGNING_ALGORITHM, typ: SET_TYPE, kid: signer.keyId };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64url.encode(signature)}`;
}

/** The JWKS a receiver verifies SETs with (the `jwks_uri` of the SSF metadata). */
export async function eventJwks(signer: AccessTokenSigner): Promise<{ keys: Record<string, unknown>[] }> {
  const jwk = (await signer.publicKey()).export({ format: 'jwk' });
  return { keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: signer.keyId, use: 'sig', alg: SIGNING_ALGORITHM }] };
}
