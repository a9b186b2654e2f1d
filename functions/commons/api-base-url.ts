/**
 * The one base of every absolute URL a function returns or hands to a customer (issue #26): SCIM's
 * Location, meta.location and $ref, the admin API's `connection` values (Tenant URL, Token Endpoint,
 * metadata URL) and its Location headers, and the RFC 8414 metadata. With a custom domain it is that
 * domain (SCIM_PUBLIC_ORIGIN, functions/commons/environment.ts), whichever host the request came in on,
 * so the values pasted into Entra and Okta stay the same across API re-creation; without one, the host
 * and stage the client called. The SSF issuer (and so the poll URLs) is fixed at deploy time instead
 * (SSF_ISSUER, the custom domain when there is one: lib/event-transmitter.ts).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { environment } from './environment';

type UrlEvent = Pick<APIGatewayProxyEvent, 'headers' | 'path'> & {
  readonly requestContext?: { readonly domainName?: string; readonly path?: string } | null;
};

/** Where the service's own paths begin; what comes before them in the called path is the stage (or a base path). */
const ROOTS = ['/tenants/', '/admin/', '/.well-known/', '/ssf/'];

const header = (event: UrlEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/** `https://scim.vendor.example`, or `https://<api host>/<stage>` as called (the part of the path before the service's own). */
export function apiBaseUrlOf(event: UrlEvent): string {
  const origin = environment.publicOrigin();
  if (origin) return origin;
  const host = event.requestContext?.domainName ?? header(event, 'host') ?? 'localhost';
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  const path = event.requestContext?.path ?? event.path;
  const cuts = ROOTS.map((root) => path.indexOf(root)).filter((at) => at >= 0);
  const cut = cuts.length === 0 ? 0 : Math.min(...cuts);
  return `${proto}://${host}${path.slice(0, cut)}`;
}
