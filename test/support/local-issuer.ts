/**
 * A local workload identity issuer shaped like Microsoft Entra: an RS256 key pair whose JWKS is
 * served over real HTTP on loopback at `/{tenant}/discovery/v2.0/keys`, minting assertions with
 * Entra's v2 claims (`iss` https://login.microsoftonline.com/{tid}/v2.0, `tid`, `sub` = `oid`,
 * `aud` the app id, `azp`, `iat`, `nbf`, `exp`, `ver` "2.0", no `jti`). It can go down (503), publish
 * a new key, and sign with keys it never published, for the token endpoint's refusal cases.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly pair: KeyPair;
}

export interface MintOptions {
  /** Claims to set or replace (undefined values remove the claim). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Seconds from now until `exp` (default 3600); `nbf`/`iat` are now unless set in `claims`. */
  readonly lifetimeSeconds?: number;
  /** Sign with this key (default: the published RS256 key). */
  readonly key?: SigningKey;
  /** Put this `kid` in the header instead of the key's. */
  readonly kid?: string;
}

export interface LocalIssuer {
  /** `127.0.0.1:<port>`: what SCIM_FEDERATION_JWKS_HOSTS must list. */
  readonly host: string;
  readonly entraTenantId: string;
  readonly appId: string;
  /** The service principal's object id: `sub` and `oid`. */
  readonly objectId: string;
  /** `https://login.microsoftonline.com/{tid}/v2.0`, as Entra writes it. */
  readonly issuer: string;
  /** The JWKS of `tenant` (default: entraTenantId), over http on loopback. */
  jwksUri(tenant?: string): string;
  /** The key the JWKS publishes. */
  readonly publishedKey: SigningKey;
  /** A new key pair, not published unless `publish` is called. */
  newKey(alg?: 'RS256' | 'ES256'): Promise<SigningKey>;
  publish(key: SigningKey): Promise<void>;
  /** An Entra-shaped assertion for this issuer's app. */
  mint(options?: MintOptions): Promise<string>;
  /** The same claims with `alg: HS256`, keyed by the published key's public PEM (the key-confusion attack). */
  mintHs256WithPublicKey(options?: MintOptions): Promise<string>;
  /** The same claims with `alg: none` and a made-up signature. */
  mintUnsigned(options?: MintOptions): string;
  /** The JWKS answers 503 while down. */
  setDown(down: boolean): void;
  /** How the JWKS misbehaves: `huge` (a 100 KiB JWKS), `redirect` (302 to a URL that serves the keys), `hang` (never answers), or not. */
  setMisbehaviour(misbehaviour: 'huge' | 'redirect' | 'hang' | undefined): void;
  /** JWKS requests served so far (answered or refused). */
  readonly fetches: number;
  stop(): Promise<void>;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const entraTenantId = randomUUID();
  const appId = randomUUID();
  const objectId = randomUUID();
  const issuer = `https://login.microsoftonline.com/${entraTenantId}/v2.0`;
  const newKey = async (alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> => ({
    kid: randomUUID().replace(/-/g, ''),
    alg,
    pair: await generateKeyPair(alg, { extractable: true }),
  });
  const publishedKey = await newKey();
  const published: JWK[] = [];
  const publish = async (key: SigningKey) => {
    published.push({ ...(await exportJWK(key.pair.publicKey)), kid: key.kid, use: 'sig' });
  };
  await publish(publishedKey);
  let down = false;
  let misbehaviour: 'huge' | 'redirect' | 'hang' | undefined;
  let fetches = 0;

  const server: Server = createServer((request, response) => {
    fetches += 1;
    const url = request.url ?? '';
    if (down || !/^(\/moved)?\/[^/]+\/discovery\/v2\.0\/keys$/.test(url)) {
      response.writeHead(down ? 503 : 404).end();
      return;
    }
    if (misbehaviour === 'hang') return;
    // To a URL that does serve the keys: a client that follows redirects would get them.
    if (misbehaviour === 'redirect' && !url.startsWith('/moved')) {
      response.writeHead(302, { location: `/moved${url}` }).end();
      return;
    }
    const padding = misbehaviour === 'huge' ? { padding: 'x'.repeat(100 * 1024) } : {};
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published, ...padding }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const claimsOf = (options: MintOptions): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: appId,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + (options.lifetimeSeconds ?? 3600),
      azp: appId,
      azpacr: '1',
      oid: objectId,
      sub: objectId,
      tid: entraTenantId,
      uti: randomUUID(),
      ver: '2.0',
      ...options.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return claims;
  };

  return {
    host,
    entraTenantId,
    appId,
    objectId,
    issuer,
    jwksUri: (tenant = entraTenantId) => `http://${host}/${tenant}/discovery/v2.0/keys`,
    publishedKey,
    newKey,
    publish,
    async mint(options = {}) {
      const key = options.key ?? publishedKey;
      return new SignJWT(claimsOf(options))
        .setProtectedHeader({ typ: 'JWT', alg: key.alg, kid: options.kid ?? key.kid })
        .sign(key.pair.privateKey);
    },
    async mintHs256WithPublicKey(options = {}) {
      const input = `${b64({ typ: 'JWT', alg: 'HS256', kid: publishedKey.kid })}.${b64(claimsOf(options))}`;
      const secret = await exportSPKI(publishedKey.pair.publicKey);
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    },
    mintUnsigned(options = {}) {
      return `${b64({ typ: 'JWT', alg: 'none', kid: publishedKey.kid })}.${b64(claimsOf(options))}.AAAA`;
    },
    setDown: (value) => {
      down = value;
    },
    setMisbehaviour: (value) => {
      misbehaviour = value;
    },
    get fetches() {
      return fetches;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
