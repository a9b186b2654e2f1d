/**
 * What a failed AWS call means to whoever asked: throttled (answer 429, retry shortly) or unavailable
 * (answer 503), or neither (not a platform fault we can name). One mapping for every HTTP edge: the
 * SCIM responses (http/error-responses.ts) and the admin API's problems (admin-api/problems.ts) say
 * it each in their own words. Both carry Retry-After, so a provisioning client backs off instead of
 * quarantining the app.
 */
import { errorName } from './error-named';

/** DynamoDB's (and the SDK's) throttling errors. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
/** A service fault or a timeout: the request may succeed when retried. */
const UNAVAILABLE = new Set(['InternalServerError', 'ServiceUnavailable', 'InternalFailure', 'TimeoutError']);

export type AwsFault = 'throttled' | 'unavailable';

export function awsFaultOf(error: unknown): AwsFault | undefined {
  const name = errorName(error) ?? '';
  if (THROTTLING.has(name)) return 'throttled';
  if (UNAVAILABLE.has(name)) return 'unavailable';
  return undefined;
}

/** Seconds a client waits before it retries a throttled or unavailable request. */
export const FAULT_RETRY_AFTER = '1';
