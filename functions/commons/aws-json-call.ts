/**
 * One call to an AWS JSON-protocol API (DynamoDB's JSON 1.0, KMS's JSON 1.1) without an SDK client:
 * signed by the SDK's own SigV4 signer (@smithy/signature-v4), sent with node:https over kept-alive
 * connections, retried like the SDK's standard strategy (throttling, 5xx and network errors, with
 * full-jitter backoff). Only the authorizer uses it: its whole AWS traffic is strongly consistent
 * GetItems and one kms:GetPublicKey per container, and the SDK clients for those cost it ~200 KiB
 * of bundle and most of its module initialisation (docs/architecture.md, docs/performance.md). Every other function keeps
 * the SDK.
 *
 * For reads only: a failure without an answer is retried, which a write could not afford.
 * Credentials come from the environment only (Lambda puts the role's there); errors carry the
 * service's error name (`ResourceNotFoundException`) as `name`, like the SDK's, never the request.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { backoff } from './retry';

export interface AwsJsonService {
  /** The SigV4 signing name and endpoint prefix: `dynamodb`, `kms`. */
  readonly name: string;
  /** The `X-Amz-Target` prefix: `DynamoDB_20120810`, `TrentService`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsCallOptions {
  readonly region: string;
  /** An endpoint URL (DynamoDB Local, moto); else the service's regional endpoint. */
  readonly endpoint?: string;
  /** Read on every call: the local server and tests set the environment after import. */
  readonly credentials: () => AwsCredentials;
  /** Attempts, the first included. */
  readonly maxAttempts: number;
}

/** A refusal by the service (`name` is its error code) or a transport failure. */
export class AwsCallError extends Error {
  constructor(
    name: string,
    message: string,
    /** HTTP status, when the service answered. */
    readonly statusCode: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = name;
  }
}

/** The SDK's standard retry strategy treats these error codes as throttling. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** The SDK's base delay and cap for the standard strategy. */
const RETRY_DELAY = { baseMs: 100, capMs: 20_000 } as const;
/**
 * A request with no answer in this long is abandoned and retried: a GetItem answers in
 * milliseconds, and four attempts plus their backoff stay within the authorizer's 10 s timeout.
 */
const ATTEMPT_TIMEOUT_MS = 2_000;

/**
 * Regional endpoint DNS suffixes per partition, as the SDK's partitions table has them
 * (@aws-sdk/core util-endpoints); any other region is in `aws` (amazonaws.com).
 */
const PARTITION_SUFFIXES: readonly (readonly [RegExp, string])[] = [
  [/^cn-/, 'amazonaws.com.cn'],
  [/^eusc-/, 'amazonaws.eu'],
  [/^us-iso-/, 'c2s.ic.gov'],
  [/^us-isob-/, 'sc2s.sgov.gov'],
  [/^eu-isoe-/, 'cloud.adc-e.uk'],
  [/^us-isof-/, 'csp.hci.ic.gov'],
];

export function regionalEndpoint(service: string, region: string): string {
  const suffix = PARTITION_SUFFIXES.find(([pattern]) => pattern.test(region))?.[1] ?? 'amazonaws.com';
  return `https://${service}.${region}.${suffix}`;
}

/** What the signer hashes: its `SourceData`. */
type HashInput = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: HashInput) =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** node:crypto behind the signer's hash interface (the SDK's own Node hash, without its package). */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: HashInput) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: HashInput): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not supported: the signer makes a new hash per use');
  }
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 50 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 50 }) };

/** Calls `operation` with `input` (the API's JSON shape) and returns the parsed JSON answer. */
export async function awsJsonCall<T>(service: AwsJsonService, operation: string, input: object, options: AwsCallOptions): Promise<T> {
  const url = new URL(options.endpoint ?? regionalEndpoint(service.name, options.region));
  const body = JSON.stringify(input);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return JSON.parse(await send(service, operation, url, body, options)) as T;
    } catch (error) {
      const retryable = error instanceof AwsCallError ? error.retryable : false;
      if (!retryable || attempt + 1 >= options.maxAttempts) throw error;
      await backoff(attempt, RETRY_DELAY);
    }
  }
}

async function send(service: AwsJsonService, operation: string, url: URL, body: string, options: AwsCallOptions): Promise<string> {
  const credentials = options.credentials();
  const signer = new SignatureV4({ service: service.name, region: options.region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: {
      host: url.host,
      'content-type': `application/x-amz-json-${service.jsonVersion}`,
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': `${service.targetPrefix}.${operation}`,
    },
    body,
  });
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers: signed.headers, agent: secure ? agents.https : agents.http, timeout: ATTEMPT_TIMEOUT_MS },
      (response) => {
        readBody(response).then(
          (text) => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else reject(serviceError(status, text));
          },
          (error: unknown) => reject(transportError(error)),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(
        new AwsCallError('TimeoutError', `${service.name} ${operation}: no answer in ${ATTEMPT_TIMEOUT_MS} ms`, undefined, true),
      ),
    );
    request.on('error', (error) => reject(transportError(error)));
    request.end(body);
  });
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"..."}` → its error. */
function serviceError(status: number, text: string): AwsCallError {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's or load balancer's page): named by the status alone.
  }
  const type = typeof parsed.__type === 'string' ? parsed.__type : '';
  // An XML error (`<Code>SignatureDoesNotMatch</Code>`, from a front end) still gets its name.
  const name = type.slice(type.lastIndexOf('#') + 1).split(':')[0] || /<Code>([A-Za-z0-9.]+)<\/Code>/.exec(text)?.[1] || `Http${status}`;
  const message =
    typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : `HTTP ${status}`;
  return new AwsCallError(name, message, status, status >= 500 || status === 429 || THROTTLING.has(name));
}

/** No answer (refused, reset, timed out): the SDK retries these too. */
function transportError(error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const code = (error as { code?: unknown }).code;
  return new AwsCallError(
    typeof code === 'string' ? code : 'NetworkingError',
    error instanceof Error ? error.message : String(error),
    undefined,
    true,
  );
}
