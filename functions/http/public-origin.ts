/**
 * The base of every absolute URL a function returns (issue #26): with a custom domain it is that
 * domain (SCIM_PUBLIC_ORIGIN, functions/commons/environment.ts), whichever host the request came in
 * on, so Tenant URLs, meta.location, Location, $ref, the token endpoint and metadata documents stay
 * the same across API re-creation; without one, the host and stage the client called.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { environment } from '../commons/environment';

type UrlEvent = Pick<APIGatewayProxyEvent, 'headers' | 'path'> & {
  readonly requestContext: { readonly domainName?: string; readonly path?: string };
};

const header = (event: UrlEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/** `https://scim.vendor.example`, or `https://<api host>/<stage>` as called (the part of the path before `/tenants/`). */
export function apiBaseUrlOf(event: UrlEvent): string {
  const origin = environment.publicOrigin();
  if (origin) return origin;
  const host = event.requestContext.domainName ?? header(event, 'host') ?? 'localhost';
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  const path = event.requestContext.path ?? event.path;
  const cut = path.indexOf('/tenants/');
  return `${proto}://${host}${cut > 0 ? path.slice(0, cut) : ''}`;
}
