/**
 * API Gateway's TOKEN authorizer step, emulated around the real authorizer function:
 *  1. no Authorization header, or one failing the validationRegex → 401, the function is not called;
 *  2. the function throws `Unauthorized` → UNAUTHORIZED (401); it throws anything else (a DynamoDB
 *     fault) → AUTHORIZER_CONFIGURATION_ERROR, which is what API Gateway answers when the Lambda
 *     invocation fails; it returns a result API Gateway cannot use → AUTHORIZER_FAILURE;
 *  3. the returned policy is cached per header value for the TTL and reused for EVERY path, as
 *     API Gateway does — so only the policy's own scoping keeps tenant A's token out of tenant B;
 *  4. the policy is evaluated against this request's methodArn: not allowed → ACCESS_DENIED (403);
 *  5. allowed: the context (numbers and booleans turned into strings, as API Gateway does) plus
 *     principalId and integrationLatency become requestContext.authorizer.
 */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { GatewayErrorType } from '../functions/http/gateway-errors';
import { AUTHORIZATION_HEADER_PATTERN } from '../functions/credentials/secret-token';
import { policyAllows } from './policy';

export type AuthorizerDecision =
  | { readonly allowed: true; readonly authorizer: Readonly<Record<string, string | number | null>> }
  | { readonly allowed: false; readonly response: AuthorizerRefusal };

/** The gateway response API Gateway answers with when the authorizer step does not allow a request. */
export type AuthorizerRefusal = Extract<
  GatewayErrorType,
  'UNAUTHORIZED' | 'ACCESS_DENIED' | 'AUTHORIZER_CONFIGURATION_ERROR' | 'AUTHORIZER_FAILURE'
>;

export interface AuthorizerGateOptions {
  readonly invoke: (event: APIGatewayTokenAuthorizerEvent) => Promise<unknown>;
  readonly cacheSeconds: number;
  readonly now?: () => number;
  /** Told why the authorizer failed (never the token). */
  readonly onFailure?: (reason: string) => void;
}

interface AuthorizerPolicy {
  readonly principalId: string;
  readonly policyDocument: unknown;
  readonly context: Readonly<Record<string, string | null>>;
}

const validationRegex = new RegExp(AUTHORIZATION_HEADER_PATTERN);

export function authorizerGate(options: AuthorizerGateOptions) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly policy: AuthorizerPolicy; readonly expires: number }>();

  const authorize = async (header: string, methodArn: string): Promise<AuthorizerPolicy | AuthorizerRefusal> => {
    const cached = cache.get(header);
    if (cached && cached.expires > now()) return cached.policy;
    let result: unknown;
    try {
      result = await options.invoke({ type: 'TOKEN', authorizationToken: header, methodArn });
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return 'UNAUTHORIZED';
      options.onFailure?.(`authorizer failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error'}`);
      return 'AUTHORIZER_CONFIGURATION_ERROR';
    }
    const policy = toPolicy(result);
    if (!policy) {
      options.onFailure?.('authorizer returned a malformed result');
      return 'AUTHORIZER_FAILURE';
    }
    if (options.cacheSeconds > 0) cache.set(header, { policy, expires: now() + options.cacheSeconds * 1000 });
    return policy;
  };

  return async (header: string | undefined, methodArn: string): Promise<AuthorizerDecision> => {
    if (header === undefined || !validationRegex.test(header)) return { allowed: false, response: 'UNAUTHORIZED' };
    const started = now();
    const outcome = await authorize(header, methodArn);
    if (typeof outcome === 'string') return { allowed: false, response: outcome };
    if (!policyAllows(outcome.policyDocument, methodArn)) return { allowed: false, response: 'ACCESS_DENIED' };
    return {
      allowed: true,
      authorizer: { ...outcome.context, principalId: outcome.principalId, integrationLatency: now() - started },
    };
  };
}

/** API Gateway cannot use results without a principalId or policy, or with nested context values. */
function toPolicy(result: unknown): AuthorizerPolicy | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { principalId, policyDocument, context } = result as Record<string, unknown>;
  if (typeof principalId !== 'string' || typeof policyDocument !== 'object' || policyDocument === null) return undefined;
  const values: Record<string, string | null> = {};
  for (const [key, value] of Object.entries((context ?? {}) as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (value === null) values[key] = null;
    else if (['string', 'number', 'boolean'].includes(typeof value)) values[key] = String(value);
    else return undefined;
  }
  return { principalId, policyDocument, context: values };
}
