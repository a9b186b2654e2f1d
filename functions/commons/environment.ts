/**
 * The one place a function reads its environment. Every setting a Lambda function (or the local
 * server running the same modules) takes is named here, with its default; code elsewhere asks this
 * module instead of reading `process.env`.
 *
 * Values are read when asked for, not at module load: the local server and the tests set the
 * environment after the modules are imported.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

const env = (): Environment => process.env;

/** A positive safe integer from the environment, or undefined when unset or malformed. */
export function positiveInteger(raw: string | undefined): number | undefined {
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export const environment = {
  /** Powertools service name, in every log line and metric. */
  serviceName: (): string => env().POWERTOOLS_SERVICE_NAME ?? 'scim',
  metricsNamespace: (): string => env().POWERTOOLS_METRICS_NAMESPACE ?? 'ScimServerless',
  /** The single DynamoDB table (required). */
  tableName(e: Environment = env()): string {
    const name = e.TABLE_NAME;
    if (!name) throw new Error('TABLE_NAME is not set');
    return name;
  },
  /** DynamoDB Local's endpoint; unset on AWS. */
  dynamoEndpoint: (e: Environment = env()): string | undefined => e.DYNAMODB_ENDPOINT || undefined,
  region: (e: Environment = env()): string | undefined => e.AWS_REGION || undefined,
  /**
   * The endpoint override the SDK reads for a service (AWS_ENDPOINT_URL_<SERVICE>, else
   * AWS_ENDPOINT_URL, none with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true): moto in the tests. The
   * authorizer's lean calls (commons/aws-json-call.ts) read it the same way.
   */
  awsEndpointUrl: (service: 'DYNAMODB' | 'KMS' | 'SQS', e: Environment = env()): string | undefined =>
    e.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : e[`AWS_ENDPOINT_URL_${service}`] || e.AWS_ENDPOINT_URL || undefined,
  /** SDK attempts per DynamoDB call (first try included). */
  dynamoMaxAttempts: (e: Environment = env()): number => positiveInteger(e.DYNAMODB_MAX_ATTEMPTS) ?? 4,
  /** Resources a non-key-backed query may read (SCIM_SCAN_BUDGET). */
  scanBudget: (): number => positiveInteger(env().SCIM_SCAN_BUDGET) ?? 20_000,
  /**
   * Member ids per chunk item of a large group write's delta, and so per SET (SCIM_GROUP_DELTA_CHUNK_IDS):
   * 500 keeps a SET near 25 KB (docs/events.md); a larger value is taken as 500. Tests use small chunks.
   */
  groupDeltaChunkIds: (): number => Math.min(positiveInteger(env().SCIM_GROUP_DELTA_CHUNK_IDS) ?? 500, 500),
  /** Members a GET of one group returns inline (SCIM_GROUP_MEMBERS_INLINE, at most and by default 10,000); tests use a small limit. */
  groupMembersInline: (): number => Math.min(positiveInteger(env().SCIM_GROUP_MEMBERS_INLINE) ?? 10_000, 10_000),
  /** How long a DELETE removes memberships itself before the janitor takes the rest (SCIM_DELETE_CLEANUP_MS, default 3,000; 0: none). */
  deleteCleanupMs: (): number => (env().SCIM_DELETE_CLEANUP_MS === '0' ? 0 : (positiveInteger(env().SCIM_DELETE_CLEANUP_MS) ?? 3_000)),
  /** Independent POST /Bulk operations run at once (SCIM_BULK_CONCURRENCY); 1 runs them one by one. */
  bulkConcurrency: (): number => positiveInteger(env().SCIM_BULK_CONCURRENCY) ?? 32,
  /** `POST /Bulk` requests one tenant may have in progress at once; more are answered 429 with Retry-After. */
  bulkRequestsPerTenant: (): number => positiveInteger(env().SCIM_BULK_REQUESTS_PER_TENANT) ?? 2,
  /**
   * The credentials Lambda puts in a function's environment (its role's), for bundles that carry
   * only this provider (commons/lambda-credentials.ts).
   */
  awsCredentials(e: Environment = env()): { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } {
    const accessKeyId = e.AWS_ACCESS_KEY_ID;
    const secretAccessKey = e.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
      throw new Error('AWS credentials are not in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
    const expiration = e.AWS_CREDENTIAL_EXPIRATION ? new Date(e.AWS_CREDENTIAL_EXPIRATION) : undefined;
    return {
      accessKeyId,
      secretAccessKey,
      ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
      ...(expiration ? { expiration } : {}),
    };
  },
  /**
   * `https://<custom domain>` when the stack has one (SCIM_PUBLIC_ORIGIN, set by the construct):
   * every absolute URL the functions return (meta.location, Location, $ref, token endpoint,
   * metadata) starts with it instead of the host the request came in on. Unset: the request's host.
   */
  publicOrigin: (e: Environment = env()): string | undefined => e.SCIM_PUBLIC_ORIGIN?.replace(/\/+$/, '') || undefined,
  /** The change-event bus (publisher only). */
  eventBusName(): string {
    const name = env().EVENT_BUS_NAME;
    if (!name) throw new Error('EVENT_BUS_NAME is not set');
    return name;
  },
  /**
   * Change events' form (RFC 9967 §2.4): `notice` (default) lists attribute names; `full` carries
   * the resource's values, for receivers that replicate (their bus then carries PII).
   */
  eventForm: (): 'notice' | 'full' => (env().SCIM_EVENT_FORM?.toLowerCase() === 'full' ? 'full' : 'notice'),
  /** The SETs' `iss` claim: who publishes the events (e.g. the API's base URL). */
  eventIssuer: (): string => env().SCIM_EVENT_ISSUER || 'scim-serverless',
  /**
   * How long a SCIM handler serves a tenant's cached profile (schemas, dialect) before checking the
   * tenant item again (SCIM_PROFILE_TTL_SECONDS): bounds how stale settings can be after a deploy.
   */
  profileTtlSeconds: (): number => positiveInteger(env().SCIM_PROFILE_TTL_SECONDS) ?? 30,
  /** Per-deployment salt of the usage-plan keys; `local` on the local server. */
  usageKeySalt: (): string => env().USAGE_KEY_SALT ?? 'local',
  /** The tier usage plans (docs/throttling.md): JSON `{"<tier>": "<usage plan name>"}` (SCIM_RATE_TIERS), set by lib/rate-tiers.ts. */
  rateTierPlans(e: Environment = env()): Readonly<Record<string, string>> {
    const parsed: unknown = JSON.parse(e.SCIM_RATE_TIERS || '{}');
    if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((name) => typeof name !== 'string'))
      throw new Error('SCIM_RATE_TIERS must be a JSON object of tier names to usage plan names');
    return parsed as Record<string, string>;
  },
  /** The tier of a tenant created without one (SCIM_DEFAULT_RATE_TIER). */
  defaultRateTier: (e: Environment = env()): string => e.SCIM_DEFAULT_RATE_TIER || 'standard',
  /** Where a Lambda function's code is (LAMBDA_TASK_ROOT): the seed function's bundled tenants.json declarations lie beside it. */
  lambdaTaskRoot: (e: Environment = env()): string => e.LAMBDA_TASK_ROOT || process.cwd(),
  /** KMS key (ARN) that signs access tokens; set on AWS, unset locally. */
  oauthSigningKeyArn: (): string | undefined => env().OAUTH_SIGNING_KEY_ARN || undefined,
  /** The local server's ES256 key file (functions/signing/local-signer.ts); used when no KMS key is set. */
  oauthLocalKeyFile: (): string | undefined => env().OAUTH_LOCAL_KEY_FILE || undefined,
  /** `iss` of the access tokens: one value per deployment (the CDK construct sets it), checked by the authorizer. */
  oauthIssuer: (): string => env().OAUTH_ISSUER || 'urn:scim-serverless:local',
  /** KMS key (ARN) that signs the event streams' SETs (events only); set on AWS, unset locally. */
  eventsSigningKeyArn: (): string | undefined => env().EVENTS_SIGNING_KEY_ARN || undefined,
  /** The local server's ES256 key file for SETs; used when no KMS key is set. */
  eventsLocalKeyFile: (): string | undefined => env().EVENTS_LOCAL_KEY_FILE || undefined,
  /** Symmetric KMS key (ARN) that seals push streams' Authorization headers; set on AWS. */
  eventsSecretsKeyArn: (): string | undefined => env().EVENTS_SECRETS_KEY_ARN || undefined,
  /** The local server's AES-256 key file for sealing those headers; used when no KMS key is set. */
  eventsLocalSecretsFile: (): string | undefined => env().EVENTS_LOCAL_SECRETS_FILE || undefined,
  /**
   * The SSF transmitter's issuer: the SETs' `iss` and the base of the metadata, JWKS and poll URLs
   * (the API's URL in AWS, the local server's URL locally).
   */
  /** `npm start`'s change events (SCIM_EVENTS: file, print, off); read by the local server and `scim-admin events redrive`. */
  localEventsMode: (e: Environment = env()): string | undefined => e.SCIM_EVENTS || undefined,
  ssfIssuer: (): string => (env().SSF_ISSUER || 'http://localhost:8080').replace(/\/$/, ''),
  /**
   * How long one push delivery pass of the local server runs before it yields its stream's lease (ms,
   * SCIM_LOCAL_DELIVERY_PASS_MS): the lease of a server killed mid-pass expires that long plus 10 s after the pass began.
   */
  localDeliveryPassMs: (): number => positiveInteger(env().SCIM_LOCAL_DELIVERY_PASS_MS) ?? 10_000,
  /** Upper bound of the first push retry's wait (ms); each later one doubles, capped at 15 minutes. */
  eventsRetryBaseMs: (): number => positiveInteger(env().EVENTS_RETRY_BASE_MS) ?? 5_000,
  /** How long a receiver has to answer one push POST (ms); at most 30 s, so a pass stays well inside its function's timeout. */
  eventsPushTimeoutMs: (): number => Math.min(positiveInteger(env().EVENTS_PUSH_TIMEOUT_MS) ?? 5_000, 30_000),
  /** Allow push to plain http on loopback hosts (the local server only; https is required otherwise). */
  eventsAllowLoopbackHttp: (): boolean => env().EVENTS_ALLOW_LOOPBACK_HTTP === 'true',
  /** Token requests a tenant may make per minute (fixed window) before the token endpoint answers 429. */
  oauthTokenRequestsPerMinute: (): number => positiveInteger(env().OAUTH_TOKEN_REQUESTS_PER_MINUTE) ?? 60,
  /**
   * Hosts (`host` or `host:port`) a federated credential's JWKS may be fetched from, besides
   * Microsoft's defaults (functions/federation/jwks-uri.ts): a deployment setting (the CDK
   * construct's `federationJwksHosts`), and locally a loopback issuer such as `127.0.0.1:8443`.
   */
  federationJwksHosts: (e: Environment = env()): string[] =>
    (e.SCIM_FEDERATION_JWKS_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  /** A JWKS is fetched again for an unknown `kid` at most once per this many seconds (per URI and container). */
  federationJwksRefetchSeconds: (): number => positiveInteger(env().SCIM_FEDERATION_JWKS_REFETCH_SECONDS) ?? 60,
  /** Keys older than this are refreshed on use (a failed refresh keeps serving them). */
  federationJwksRefreshSeconds: (): number => positiveInteger(env().SCIM_FEDERATION_JWKS_REFRESH_SECONDS) ?? 3600,
  /** The longest a cached key is served while its JWKS host cannot be reached. */
  federationJwksMaxStaleSeconds: (): number => positiveInteger(env().SCIM_FEDERATION_JWKS_MAX_STALE_SECONDS) ?? 86_400,
  /** Failed client authentications per source IP (and per client id) and minute before the token endpoint answers 429. */
  oauthFailedAuthenticationsPerMinute: (): number => positiveInteger(env().OAUTH_FAILED_AUTHENTICATIONS_PER_MINUTE) ?? 30,
  /** The SQS queue of tenant purges (set by the construct); unset: no queue (the local server's loop finds deleting tenants itself). */
  tenantPurgeQueueUrl: (): string | undefined => env().TENANT_PURGE_QUEUE_URL || undefined,
  /**
   * How long after a tenant was marked `deleting` its purge sweeps a last time and frees the id: the
   * authorizer's cache TTL, the handlers' profile TTL and the stream consumers' lag (set by the construct).
   */
  tenantPurgeQuarantineSeconds: (): number => positiveInteger(env().TENANT_PURGE_QUARANTINE_SECONDS) ?? 390,
} as const;
