/**
 * Every Lambda function bundled for real (esbuild, same options as the stack); sizes printed and
 * budgeted, and what loading each one makes Node load (init time itself is the benchmark's).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { functionEntries, jobFunctionEntries, streamFunctionEntries } from '../../functions/routes';
import { bundleEntry } from '../../lib/bundle';
import { BUNDLE_BUDGETS, TRACED_BUNDLE_EXTRA } from '../../lib/bundling';

const entries: [string, string, number][] = [
  ...Object.entries(functionEntries).map(([name, entry]): [string, string, number] => [
    name,
    entry,
    name === 'authorizer' ? BUNDLE_BUDGETS.authorizer : name === 'admin' ? BUNDLE_BUDGETS.admin : BUNDLE_BUDGETS.resource,
  ]),
  ...Object.entries(streamFunctionEntries).map(([name, entry]): [string, string, number] => [name, entry, BUNDLE_BUDGETS.stream]),
  ['onboarding', 'functions/onboarding.ts', BUNDLE_BUDGETS.stream],
  // The tenant purge runs off a queue, never on a client's path: the stream functions' budget.
  ...Object.entries(jobFunctionEntries).map(([name, entry]): [string, string, number] => [name, entry, BUNDLE_BUDGETS.stream]),
];

describe('Lambda bundles', () => {
  it.each(entries)(
    '%s (%s) stays within its budget',
    async (name, entry, budget) => {
      const bundle = await bundleEntry(entry);
      console.log(`bundle ${name}: ${(bundle.bytes / 1024).toFixed(1)} KiB (budget ${(budget / 1024).toFixed(0)} KiB)`);
      expect(bundle.code).toContain('handler');
      expect(bundle.bytes).toBeLessThanOrEqual(budget);
    },
    60_000,
  );

  // ScimEndpoint's `sdkTracing`: the Powertools Tracer only in the builds that ask for it (functions/commons/sdk-tracing.ts).
  it.each([
    ['users', functionEntries.users],
    ['token', functionEntries.token],
    ['publisher', streamFunctionEntries.publisher],
  ])(
    '%s carries the SDK tracer only when built with sdkTracing, within its budget plus the tracer',
    async (name, entry) => {
      const plain = await bundleEntry(entry);
      const traced = await bundleEntry(entry, 'bundled', true);
      console.log(
        `bundle ${name} with sdkTracing: ${(traced.bytes / 1024).toFixed(1)} KiB (+${((traced.bytes - plain.bytes) / 1024).toFixed(1)})`,
      );
      expect(plain.code).not.toContain('captureAWSv3Client');
      expect(traced.code).toContain('captureAWSv3Client');
      const budget = name === 'publisher' ? BUNDLE_BUDGETS.stream : BUNDLE_BUDGETS.resource;
      expect(traced.bytes).toBeLessThanOrEqual(budget + TRACED_BUNDLE_EXTRA);
    },
    60_000,
  );

  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // An ES import of node:http loads undici, http2 and worker_threads (~30 ms CPU per cold start):
  // lib/bundling.ts BUILTIN_ALIASES makes bundles require it instead.
  it.each(entries)(
    '%s loads neither undici nor http2 when imported',
    async (name, entry) => {
      dir ??= await mkdtemp(join(tmpdir(), 'scim-bundles-'));
      const file = join(dir, `${name}.mjs`);
      await writeFile(file, (await bundleEntry(entry)).code);
      const script =
        `const before = new Set(process.moduleLoadList); await import(${JSON.stringify(file)}); ` +
        `process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`;
      const loaded = await new Promise<string[]>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--input-type=module', '--no-warnings', '-e', script],
          {
            env: {
              PATH: process.env.PATH,
              TABLE_NAME: 'test',
              EVENT_BUS_NAME: 'test',
              AWS_REGION: 'eu-west-1',
              POWERTOOLS_LOG_LEVEL: 'SILENT',
            },
          },
          (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as string[])),
        ),
      );
      expect(loaded).toContain('NativeModule https');
      expect(loaded.filter((module) => /undici|http2|worker_threads/.test(module))).toEqual([]);
    },
    60_000,
  );
});
