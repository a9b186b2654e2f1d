/**
 * Which JWKS URIs a federated credential may name: HTTPS on an allowed host, so a tenant's
 * settings can never make the token function fetch an arbitrary URL (no SSRF through tenant
 * data). Checked when a credential is declared (tenants.json, admin API, CLI) and again before
 * every fetch, against the same list: Microsoft's hosts plus the deployment's
 * SCIM_FEDERATION_JWKS_HOSTS. Plain `http` only for a loopback host that is itself allowed (a
 * local issuer in tests and `npm start`).
 */
import { environment } from '../commons/environment';

/** Where Entra publishes its signing keys (`/{tenant}/discovery/v2.0/keys`). */
export const DEFAULT_JWKS_HOSTS = ['login.microsoftonline.com', 'login.windows.net'] as const;

export const allowedJwksHosts = (): string[] => [...DEFAULT_JWKS_HOSTS, ...environment.federationJwksHosts()];

const isLoopback = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/** The parsed URI, or why it is not allowed (a message for the operator; names the host, nothing else). */
export function checkJwksUri(uri: string, hosts: readonly string[] = allowedJwksHosts()): URL | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'jwksUri is not a URL';
  }
  if (url.username || url.password) return 'jwksUri must not carry credentials';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return 'jwksUri must use https (plain http only for a loopback host)';
  }
  if (!hosts.includes(url.host.toLowerCase())) {
    return `jwksUri host "${url.host}" is not allowed (allowed: ${hosts.join(', ')}; add hosts with SCIM_FEDERATION_JWKS_HOSTS)`;
  }
  return url;
}
