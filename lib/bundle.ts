/**
 * Builds one Lambda entry the way NodejsFunction does with `bundlingOptions`, in memory, for the
 * bundle-size test and the benchmark (which also times module initialisation).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  BUILTIN_ALIASES,
  ESBUILD_TARGET,
  ESM_REQUIRE_SHIM,
  MODULE_ALIASES,
  RUNTIME_SDK_EXTERNALS,
  sdkTracingDefine,
  type AwsSdkSource,
} from './bundling';
import { PROJECT_ROOT } from './scim-endpoint';

export interface BuiltBundle {
  readonly entry: string;
  readonly bytes: number;
  readonly code: string;
}

/** `runtime`: the AWS SDK left external, as ScimEndpoint's `awsSdk: 'runtime'` bundles it; `sdkTracing` as ScimEndpoint's prop. */
export async function bundleEntry(entry: string, sdk: AwsSdkSource = 'bundled', sdkTracing = false): Promise<BuiltBundle> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: ESBUILD_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_SHIM },
    define: sdkTracingDefine(sdkTracing),
    ...(sdk === 'bundled' ? { alias: { ...MODULE_ALIASES } } : { alias: { ...BUILTIN_ALIASES }, external: [...RUNTIME_SDK_EXTERNALS] }),
    write: false,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return { entry, bytes: output.contents.byteLength, code: output.text };
}
