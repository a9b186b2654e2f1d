/**
 * Loads the real Lambda handlers (functions/routes.ts `functionEntries`) on first use, so the server
 * starts even while a function is still being written, and invokes them with a Lambda-like context.
 * Each entry module reads TABLE_NAME/DYNAMODB_ENDPOINT when it first touches DynamoDB, so the
 * environment must be set before the first request (startLocalStack does).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { functionEntries, type FunctionName } from '../functions/routes';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './http-event';

export type ProxyFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;
export type TokenAuthorizerFunction = (event: APIGatewayTokenAuthorizerEvent, context: Context) => Promise<unknown>;

/** In-process replacements for entry modules (tests of the server itself). */
export type FunctionOverrides = Partial<Record<FunctionName | 'token' | 'ssf' | 'admin', ProxyFunction>> & {
  readonly authorizer?: TokenAuthorizerFunction;
};

export type LoadableFunction = FunctionName | 'authorizer' | 'token' | 'ssf' | 'admin';
type AnyHandler = (event: never, context: Context) => Promise<unknown>;

/** The function's entry module is missing or exports no `handler`. */
export class FunctionUnavailableError extends Error {}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** API Gateway's integration timeout; the functions see it as their remaining time. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export function functionLoader(overrides: FunctionOverrides = {}) {
  const loaded = new Map<LoadableFunction, AnyHandler>();

  async function load(name: LoadableFunction): Promise<AnyHandler> {
    const override = overrides[name];
    if (override) return override as AnyHandler;
    const cached = loaded.get(name);
    if (cached) return cached;
    const handler = await importHandler(functionEntries[name]);
    // Failures are not cached: a missing entry file works as soon as it is written.
    loaded.set(name, handler);
    return handler;
  }

  return {
    proxy: async (name: FunctionName | 'token' | 'ssf' | 'admin') => (await load(name)) as ProxyFunction,
    authorizer: async () => (await load('authorizer')) as TokenAuthorizerFunction,
  };
}

async function importHandler(entry: string): Promise<AnyHandler> {
  const file = join(repoRoot, entry);
  if (!existsSync(file)) throw new FunctionUnavailableError(`${entry} does not exist`);
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new FunctionUnavailableError(`${entry} exports no handler`);
  return module.handler as AnyHandler;
}

/** `timeoutMs`: the function's timeout (API Gateway's 29 s by default; the stream consumers have 5 minutes in AWS). */
export function lambdaContext(functionName: string, awsRequestId: string, timeoutMs = INTEGRATION_TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
