/**
 * The signing keys of federated credentials' issuers, cached by JWKS URI and `kid` per container
 * (a Lambda container, or the local server process):
 *  - a URI is fetched only when jwks-uri.ts allows it (HTTPS on an allowed host), without
 *    following redirects, within JWKS_TIMEOUT_MS and JWKS_MAX_BYTES;
 *  - a known `kid` is served from the cache; after SCIM_FEDERATION_JWKS_REFRESH_SECONDS it is
 *    refreshed on use, and while its host is down it is served up to
 *    SCIM_FEDERATION_JWKS_MAX_STALE_SECONDS old;
 *  - an unknown `kid` (a rotation) fetches the JWKS again, at most once per
 *    SCIM_FEDERATION_JWKS_REFETCH_SECONDS per URI, so a stream of made-up `kid`s cannot turn the
 *    token endpoint into a load generator against the issuer.
 * A fetch that succeeds replaces the URI's keys: a key the issuer withdrew stops working.
 */
import { importJWK, type JWK } from 'jose';
import { environment } from '../commons/environment';
import { checkJwksUri } from './jwks-uri';

/** Entra's JWKS is about 10 KiB; 64 KiB bounds what one fetch may hold in memory. */
export const JWKS_MAX_BYTES = 64 * 1024;
/** The token function has 10 s; a JWKS host slower than this is treated as down. */
export const JWKS_TIMEOUT_MS = 3000;
const MAX_KEYS = 100;

export type KeyRefusal = 'jwks_host_not_allowed' | 'jwks_unavailable' | 'jwks_unknown_kid';

export class KeyUnavailable extends Error {
  constructor(readonly reason: KeyRefusal) {
    super(`signing key unavailable: ${reason}`);
  }
}

export type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

interface UriState {
  keys: Map<string, JWK>;
  /** Keys imported for an algorithm (`kid alg`), dropped with the keys they came from. */
  imported: Map<string, VerificationKey>;
  /** Epoch seconds of the last successful fetch (-Infinity: never). */
  fetchedAt: number;
  /** Epoch seconds of the last fetch attempt, successful or not. */
  attemptedAt: number;
  pending?: Promise<boolean>;
}

const states = new Map<string, UriState>();

/** Forgets every cached key (tests). */
export function clearJwksCache(): void {
  states.clear();
}

/** The key with `kid` of the JWKS at `jwksUri`, for `alg`; KeyUnavailable says why not. */
export async function signingKey(jwksUri: string, kid: string, alg: string, nowSeconds = Date.now() / 1000): Promise<VerificationKey> {
  const url = checkJwksUri(jwksUri);
  if (typeof url === 'string') throw new KeyUnavailable('jwks_host_not_allowed');
  const state: UriState = states.get(url.href) ?? { keys: new Map(), imported: new Map(), fetchedAt: -Infinity, attemptedAt: -Infinity };
  states.set(url.href, state);
  const needsFetch = !state.keys.has(kid) || nowSeconds - state.fetchedAt >= environment.federationJwksRefreshSeconds();
  let fetchFailed = false;
  if (needsFetch && nowSeconds - state.attemptedAt >= environment.federationJwksRefetchSeconds()) {
    state.attemptedAt = nowSeconds;
    const pending = (state.pending ??= refresh(url, state, nowSeconds).finally(() => delete state.pending));
    fetchFailed = !(await pending);
  } else if (state.pending) {
    fetchFailed = !(await state.pending);
  }
  const jwk = state.keys.get(kid);
  const stale = nowSeconds - state.fetchedAt > environment.federationJwksMaxStaleSeconds();
  if (!jwk || stale) throw new KeyUnavailable(fetchFailed || stale ? 'jwks_unavailable' : 'jwks_unknown_kid');
  let key = state.imported.get(`${kid} ${alg}`);
  if (!key) {
    if (jwk.alg !== undefined && jwk.alg !== alg) throw new TypeError('the key is for another algorithm');
    key = await importJWK(jwk, alg);
    state.imported.set(`${kid} ${alg}`, key);
  }
  return key;
}

async function refresh(url: URL, state: UriState, nowSeconds: number): Promise<boolean> {
  try {
    state.keys = await fetchJwks(url);
    state.imported = new Map();
    state.fetchedAt = nowSeconds;
    return true;
  } catch {
    return false;
  }
}

async function fetchJwks(url: URL): Promise<Map<string, JWK>> {
  const response = await fetch(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
    headers: { accept: 'application/json' },
  });
  if (!response.ok || !response.body) throw new Error(`JWKS answered ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > JWKS_MAX_BYTES) throw new Error('JWKS too large');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > JWKS_MAX_BYTES) throw new Error('JWKS too large');
    chunks.push(chunk);
  }
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error('not a JWKS');
  const keys = new Map<string, JWK>();
  for (const key of parsed.keys.slice(0, MAX_KEYS) as JWK[]) {
    if (
      typeof key === 'object' &&
      key !== null &&
      typeof key.kid === 'string' &&
      typeof key.kty === 'string' &&
      (key.use ?? 'sig') === 'sig'
    ) {
      keys.set(key.kid, key);
    }
  }
  return keys;
}
