/**
 * How every Lambda function is bundled: ESM (middy 7 is ESM-only), minified, for Node 22 on
 * arm64, with the AWS SDK bundled so the deployed code runs the versions the tests ran. The
 * construct passes these options to NodejsFunction; the bundle-size test builds with the same.
 */
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Lets bundled CommonJS dependencies call `require` inside an ES module. */
export const ESM_REQUIRE_SHIM = "import { createRequire as __scimCreateRequire } from 'node:module'; const require = __scimCreateRequire(import.meta.url);";

export const ESBUILD_TARGET = 'node22';

export const bundlingOptions: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  // Bundle everything, the AWS SDK included (NodejsFunction leaves @aws-sdk/* out by default).
  externalModules: [],
};

/**
 * Regression budgets (minified bytes) checked by test/cdk/bundles.test.ts: today's sizes plus
 * headroom. The performance targets (400 KB resource, 150 KB authorizer) are reported by
 * `npm run bench` and discussed in the README: the bundled AWS SDK alone is about 250 KB.
 */
// The authorizer verifies OAuth access tokens too: jose (~15 KB) and the KMS client for the
// public key (~27 KB) came with that.
export const BUNDLE_BUDGETS = { resource: 600 * 1024, authorizer: 450 * 1024, stream: 450 * 1024 } as const;
