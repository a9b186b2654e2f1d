/**
 * The HTTP surface, declared once: the CDK construct creates these API Gateway resources and the
 * local server routes requests with the same table. Each path is registered with method ANY and the
 * function answers 405 (SCIM error) for methods it does not serve.
 */
export type FunctionName = 'users' | 'groups' | 'discovery' | 'search' | 'bulk';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  /** Path below the tenant's SCIM base path, with API Gateway `{param}` placeholders. */
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly function: FunctionName;
}

/** The tenant URL shape: `https://<api>/<stage>/tenants/<tenantId>/scim/v2`. */
export const TENANT_BASE_PATH = '/tenants/{tenantId}/scim/v2';

export const routes: readonly Route[] = [
  { path: '/Users', methods: ['GET', 'POST'], function: 'users' },
  { path: '/Users/.search', methods: ['POST'], function: 'users' },
  { path: '/Users/{id}', methods: ['GET', 'PUT', 'PATCH', 'DELETE'], function: 'users' },
  { path: '/Groups', methods: ['GET', 'POST'], function: 'groups' },
  { path: '/Groups/.search', methods: ['POST'], function: 'groups' },
  { path: '/Groups/{id}', methods: ['GET', 'PUT', 'PATCH', 'DELETE'], function: 'groups' },
  { path: '/ServiceProviderConfig', methods: ['GET'], function: 'discovery' },
  { path: '/Schemas', methods: ['GET'], function: 'discovery' },
  { path: '/Schemas/{id}', methods: ['GET'], function: 'discovery' },
  { path: '/ResourceTypes', methods: ['GET'], function: 'discovery' },
  { path: '/ResourceTypes/{id}', methods: ['GET'], function: 'discovery' },
  { path: '/.search', methods: ['POST'], function: 'search' },
  { path: '/Bulk', methods: ['POST'], function: 'bulk' },
];

/**
 * The tenant's OAuth 2.0 token endpoint (client credentials): beside the SCIM base path and NOT
 * behind the authorizer, since it is where a client gets the token the authorizer wants.
 */
export const TOKEN_ENDPOINT_PATH = '/tenants/{tenantId}/oauth2/token';

/**
 * Public Shared Signals routes (docs/events.md), at the API's root and not behind the authorizer:
 * SSF transmitter metadata, the SETs' JWKS, and each poll stream's RFC 8936 endpoint (which checks
 * the stream's own poll credential). All served by the `ssf` function.
 */
export interface PublicRoute {
  /** Path from the API's root, with API Gateway `{param}` placeholders. */
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly function: 'ssf';
}

export const publicRoutes: readonly PublicRoute[] = [
  { path: '/.well-known/ssf-configuration', methods: ['GET'], function: 'ssf' },
  { path: '/.well-known/ssf-configuration/tenants/{tenantId}', methods: ['GET'], function: 'ssf' },
  { path: '/ssf/jwks.json', methods: ['GET'], function: 'ssf' },
  { path: '/ssf/tenants/{tenantId}/streams/{streamId}/poll', methods: ['POST'], function: 'ssf' },
];

/**
 * RFC 8414 authorization server metadata of a tenant (served by the token function, public): at the
 * RFC 8414 §3 location for the issuer `<api>/tenants/{tenantId}`, and beside the tenant's URLs.
 */
export const AUTHORIZATION_SERVER_METADATA_PATHS = [
  '/.well-known/oauth-authorization-server/tenants/{tenantId}',
  '/tenants/{tenantId}/.well-known/oauth-authorization-server',
] as const;

/**
 * The tenant admin API (functions/admin-api.ts): one greedy resource under this path, authorized
 * with AWS_IAM in AWS (lib/tenant-admin-api.ts) and with the admin key on the local server; never behind
 * the SCIM authorizer.
 */
export const ADMIN_API_PATH = '/admin/v1';

/** Lambda entry files, relative to the repository root, per function. */
export const functionEntries: Record<FunctionName | 'authorizer' | 'token' | 'ssf' | 'admin', string> = {
  users: 'functions/users-api.ts',
  groups: 'functions/groups-api.ts',
  discovery: 'functions/discovery-api.ts',
  search: 'functions/search-api.ts',
  bulk: 'functions/bulk-api.ts',
  authorizer: 'functions/authorizer.ts',
  token: 'functions/oauth-token-api.ts',
  ssf: 'functions/ssf-api.ts',
  admin: 'functions/admin-api.ts',
};

/** Functions fed by a queue: the background removal of a deleted tenant's data (lib/tenant-purge-queue.ts). */
export const jobFunctionEntries = {
  purge: 'functions/tenant-purge-job.ts',
} as const;

/** Functions fed by the table's stream rather than by API Gateway. */
export const streamFunctionEntries = {
  /** Deletes memberships left behind by deleted users and groups. */
  janitor: 'functions/membership-janitor.ts',
  /** Publishes change events to EventBridge. */
  publisher: 'functions/change-publisher.ts',
  /** Signs SETs into the event streams' outboxes. */
  outbox: 'functions/event-outbox.ts',
  /** Pushes the outboxes' SETs (RFC 8935), on outbox writes and on a schedule. */
  delivery: 'functions/event-delivery.ts',
  /** Writes per-tenant activity records and health counters (docs/activity.md). */
  recorder: 'functions/activity-recorder.ts',
} as const;
