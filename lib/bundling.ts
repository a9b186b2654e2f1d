/**
 * How every Lambda function is bundled: ESM (middy 7 is ESM-only), minified, for Node 22 on
 * arm64, with the AWS SDK bundled so the deployed code runs the versions the tests ran. The
 * construct passes these options to NodejsFunction; the bundle-size test builds with the same.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

const projectRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Lets bundled CommonJS dependencies call `require` inside an ES module. */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as __scimCreateRequire } from 'node:module'; const require = __scimCreateRequire(import.meta.url);";

export const ESBUILD_TARGET = 'node22';

/**
 * Modules replaced in every bundle, whichever SDK it runs: node:http by a module that `require`s
 * it (functions/commons/node-http.ts), as an ES import of it loads undici at init (~30 ms CPU).
 */
export const BUILTIN_ALIASES: Readonly<Record<string, string>> = {
  'node:http': join(projectRoot, 'functions/commons/node-http.ts'),
  http: join(projectRoot, 'functions/commons/node-http.ts'),
};

/**
 * Modules replaced in bundles that carry the SDK: its default credential chain by the
 * environment-only provider Lambda needs (functions/commons/lambda-credentials.ts; about 90 KiB
 * less per function), the endpoint cache's LRU by a Map-based one (functions/commons/lru-map.ts;
 * about 7 KiB), the SDK's event-stream support, which no client here uses, by a module that refuses
 * (functions/commons/no-event-streams.ts; about 19 KiB), and BUILTIN_ALIASES.
 */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  ...BUILTIN_ALIASES,
  '@aws-sdk/credential-provider-node': join(projectRoot, 'functions/commons/lambda-credentials.ts'),
  'mnemonist/lru-cache': join(projectRoot, 'functions/commons/lru-map.ts'),
  '@smithy/core/event-streams': join(projectRoot, 'functions/commons/no-event-streams.ts'),
};

const aliasArgs = (aliases: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(aliases).map(([module, file]) => [`--alias:${module}`, file]));

/** The AWS SDK in each bundle, or the Lambda runtime's own (ScimEndpoint's `awsSdk`). */
export type AwsSdkSource = 'bundled' | 'runtime';

/** What `runtime` leaves out of the bundles: the SDK v3 packages nodejs22.x ships (CDK's own default). */
export const RUNTIME_SDK_EXTERNALS = ['@aws-sdk/*'] as const;

export const bundlingOptions: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  // Bundle everything, the AWS SDK included (NodejsFunction leaves @aws-sdk/* out by default).
  externalModules: [],
  esbuildArgs: aliasArgs(MODULE_ALIASES),
};

/**
 * `SCIM_SDK_TRACING` (functions/commons/sdk-tracing.ts): `true` bundles the Powertools Tracer and
 * instruments the SDK clients; `false` lets esbuild drop it (ScimEndpoint's `sdkTracing`).
 */
export const sdkTracingDefine = (on: boolean): Record<string, string> => ({ SCIM_SDK_TRACING: on ? 'true' : 'false' });

export function bundlingFor(sdk: AwsSdkSource, sdkTracing = false): BundlingOptions {
  // With the runtime's SDK, its own credential chain is used: only the built-ins are replaced.
  const options =
    sdk === 'bundled'
      ? bundlingOptions
      : { ...bundlingOptions, externalModules: [...RUNTIME_SDK_EXTERNALS], esbuildArgs: aliasArgs(BUILTIN_ALIASES) };
  return { ...options, define: sdkTracingDefine(sdkTracing) };
}

/**
 * Budgets (minified bytes) checked by test/cdk/bundles.test.ts. Resource functions: the
 * performance target itself (400 KiB, also reported by `npm run bench`); the bundled AWS SDK is
 * about 200 KiB of each once the default credential chain is replaced (MODULE_ALIASES), zod/mini
 * 27 KiB (tenant settings). The authorizer (target 150 KiB) carries no SDK client
 * (functions/commons/aws-json-call.ts): today's 67 KiB plus headroom. docs/performance.md, docs/architecture.md.
 */
/**
 * The admin API's budget is larger: it carries every admin feature (tenants, credentials, rate-tier
 * keys through the API Gateway client, …) and serves a vendor's backend, not a provisioning client's
 * cold path.
 */
// resource: 400 KiB until #22-#28; the activity request scope, Bulk's per-operation activity records and the exact
// per-tenant counters brought bulk to 413.4 KiB (budget 416). Then the tenants.json file schema left the request
// handlers' graph (tenants/tenants-file.ts: 5.6 KiB of every resource bundle), mnemonist's LRU cache and the SDK's
// event-stream code left every SDK bundle (commons/lru-map.ts, 7 KiB; commons/no-event-streams.ts, 19 KiB):
// bulk 382.3 KiB (users 349.3, groups 365.1, search 367.9, token 281.1), so the budget is the target again.
export const BUNDLE_BUDGETS = { resource: 400 * 1024, authorizer: 96 * 1024, stream: 420 * 1024, admin: 640 * 1024 } as const;

/**
 * With `sdkTracing` on, the Powertools Tracer and the X-Ray SDK core it wraps are added to the
 * functions with SDK clients (measured by test/cdk/bundles.test.ts; the authorizer never gets them).
 */
export const TRACED_BUNDLE_EXTRA = 160 * 1024;
