/**
 * Each Lambda bundle's minified size and its module initialisation time in a fresh Node 22 process
 * (Lambda's nodejs22.x), with the AWS SDK bundled (the default) and, for the resource functions and
 * the authorizer, with the runtime's SDK (ScimEndpoint `awsSdk: 'runtime'`): then the SDK is loaded
 * from node_modules (its dist-cjs builds, as the runtime ships them) instead of the bundle.
 * Init is reported as wall time and as the CPU time the process spent in it: on a loaded machine
 * (2 cores shared) the wall time mostly measures waiting for a core, the CPU time what the code costs.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEntries, streamFunctionEntries } from '../../functions/routes';
import { bundleEntry } from '../../lib/bundle';
import type { AwsSdkSource } from '../../lib/bundling';
import { PROJECT_ROOT } from '../../lib/scim-endpoint';
import { node22 } from '../node22.mjs';
import { round } from './stats';

export interface BundleFigures {
  function: string;
  sdk: AwsSdkSource;
  kib: number;
  /** Median wall time of the import. */
  initMs: number;
  /** Median user + system CPU time of the import. */
  initCpuMs: number;
}

const RUNS = 7;
const RUNTIME_VARIANTS = new Set(['users', 'groups', 'search', 'bulk', 'authorizer']);

export async function measureBundles(): Promise<BundleFigures[]> {
  const node = await node22();
  // A runtime-SDK bundle must find @aws-sdk/* as the runtime would: below a node_modules it can see.
  const dirs: Record<AwsSdkSource, string> = {
    bundled: join(tmpdir(), `scim-bench-bundles-${process.pid}`),
    runtime: join(PROJECT_ROOT, 'node_modules', '.cache', `scim-bench-bundles-${process.pid}`),
  };
  const figures: BundleFigures[] = [];
  const entries = { ...functionEntries, ...streamFunctionEntries, onboarding: 'functions/onboarding.ts' };
  try {
    for (const [name, entry] of Object.entries(entries)) {
      for (const sdk of ['bundled', 'runtime'] as const) {
        if (sdk === 'runtime' && !RUNTIME_VARIANTS.has(name)) continue;
        const bundle = await bundleEntry(entry, sdk);
        const file = join(dirs[sdk], name, 'index.mjs');
        await mkdir(join(dirs[sdk], name), { recursive: true });
        await writeFile(file, bundle.code);
        const runs: InitTime[] = [];
        for (let run = 0; run < RUNS; run += 1) runs.push(await importTime(node, file));
        const median = (values: number[]) => round(values.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0, 1);
        figures.push({
          function: name,
          sdk,
          kib: round(bundle.bytes / 1024, 1),
          initMs: median(runs.map((r) => r.wallMs)),
          initCpuMs: median(runs.map((r) => r.cpuMs)),
        });
      }
    }
  } finally {
    await Promise.all(Object.values(dirs).map((dir) => rm(dir, { recursive: true, force: true })));
  }
  return figures;
}

export interface InitTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Milliseconds to import the bundle in a new process (what a Lambda cold start pays for the code). */
export function importTime(node: string, file: string): Promise<InitTime> {
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(file)}); ` +
    `const wallMs = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wallMs, cpuMs: (u.user + u.system) / 1000 }));`;
  return new Promise((resolve, reject) => {
    execFile(
      node,
      ['--input-type=module', '--no-warnings', '-e', script],
      {
        env: {
          PATH: process.env.PATH,
          TABLE_NAME: 'bench',
          EVENT_BUS_NAME: 'bench',
          AWS_REGION: 'us-east-1',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as InitTime)),
    );
  });
}
