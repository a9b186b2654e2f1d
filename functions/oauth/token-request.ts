/**
 * Reading a token request (RFC 6749 §4.4.2, client authentication §2.3.1, and RFC 7523 §2.2 client
 * assertions), pure: the form body and the optional HTTP Basic header become a grant, or it throws
 * an RFC 6749 §5.2 error (oauth-error.ts). Parameters it does not know (Entra's `baseAddress`,
 * `resource`) are ignored.
 */
import { CLIENT_ID_PATTERN } from '../credentials/client-credentials';
import { invalidClient, invalidRequest, OAuthError } from './oauth-error';

/** Token requests are a few hundred bytes, with a client assertion about 2 KiB; anything larger is refused unread. */
export const MAX_TOKEN_REQUEST_BYTES = 8192;
/** RFC 7523 §2.2: the only `client_assertion_type` there is. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SecretGrant {
  readonly kind: 'secret';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string | undefined;
  readonly basic: boolean;
}

/** RFC 7523 client authentication: `client_id` picks the federated credential (undefined: none given). */
export interface AssertionGrant {
  readonly kind: 'assertion';
  readonly clientId: string | undefined;
  readonly assertion: string;
  readonly scope: string | undefined;
  readonly basic: false;
}

export type TokenGrant = SecretGrant | AssertionGrant;

export interface RawTokenRequest {
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
  /** The caller's address (API Gateway's `requestContext.identity.sourceIp`): failed attempts are counted per source. */
  readonly sourceIp?: string;
}

/**
 * The answer to any method but POST (RFC 9110 §15.5.6: 405 with `Allow`), in OAuth's error shape:
 * given by the function, the local gateway, and the API's mock method for the other methods
 * (lib/token-endpoint.ts), so `GET` on the token URL is never a 404.
 */
export const TOKEN_METHOD_NOT_ALLOWED = {
  status: 405,
  headers: { Allow: 'POST', 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' },
  body: { error: 'invalid_request', error_description: 'The token endpoint accepts POST only.' },
} as const;

const PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope', 'client_assertion', 'client_assertion_type'] as const;
type Parameters = Partial<Record<(typeof PARAMETERS)[number], string>>;

export function readTokenRequest(request: RawTokenRequest): TokenGrant {
  if (Buffer.byteLength(request.body, 'utf8') > MAX_TOKEN_REQUEST_BYTES) {
    throw invalidRequest(`The request body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes.`, 413);
  }
  const mediaType = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM_CONTENT_TYPE) throw invalidRequest(`Content-Type must be ${FORM_CONTENT_TYPE}.`);
  const form = new URLSearchParams(request.body);
  const values: Parameters = {};
  for (const name of PARAMETERS) {
    const all = form.getAll(name);
    // RFC 6749 §3.2: parameters MUST NOT be included more than once.
    if (all.length > 1) throw invalidRequest(`The parameter ${name} is repeated.`);
    if (all[0] !== undefined && all[0] !== '') values[name] = all[0];
  }
  if (!values.grant_type) throw invalidRequest('The parameter grant_type is missing.');
  if (values.grant_type !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.', 400);
  }

  if (values.client_assertion !== undefined || values.client_assertion_type !== undefined) {
    return assertionGrant(values, request.authorization);
  }
  const basic = basicCredentials(request.authorization);
  if (basic === 'malformed') throw invalidClient(true);
  if (basic) {
    // §2.3: one authentication method per request.
    if (values.client_secret !== undefined) throw invalidRequest('Use HTTP Basic or client_secret in the body, not both.');
    if (values.client_id !== undefined && values.client_id !== basic.clientId)
      throw invalidRequest('client_id differs from the HTTP Basic user.');
    return { kind: 'secret', clientId: basic.clientId, clientSecret: basic.clientSecret, scope: values.scope, basic: true };
  }
  if (values.client_id === undefined || values.client_secret === undefined) throw invalidClient(false);
  return { kind: 'secret', clientId: values.client_id, clientSecret: values.client_secret, scope: values.scope, basic: false };
}

/** RFC 7523 §2.2: both assertion parameters, the jwt-bearer type, and no other client authentication (RFC 6749 §2.3). */
function assertionGrant(values: Parameters, authorization: string | undefined): AssertionGrant {
  if (values.client_assertion === undefined || values.client_assertion_type === undefined) {
    throw invalidRequest('client_assertion and client_assertion_type go together.');
  }
  if (values.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
    throw invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`);
  }
  if (values.client_secret !== undefined || /^Basic\s/i.test(authorization ?? '')) {
    throw invalidRequest('Use one client authentication method: a client assertion or a client secret.');
  }
  return { kind: 'assertion', clientId: values.client_id, assertion: values.client_assertion, scope: values.scope, basic: false };
}

/** `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`; undefined when absent or another scheme. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | 'malformed' | undefined {
  const match = /^Basic\s+(\S*)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const encoded = match[1] ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return 'malformed';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return 'malformed';
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (!CLIENT_ID_PATTERN.test(clientId) || clientSecret === '') return 'malformed';
    return { clientId, clientSecret };
  } catch {
    return 'malformed';
  }
}

/** `scope` absent or `scim`: the only scope there is. */
export const scopeAllowed = (scope: string | undefined) => scope === undefined || scope === 'scim';
