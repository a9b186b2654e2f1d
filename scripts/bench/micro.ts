/**
 * The SCIM core against published libraries (micro-suite.ts), measured alike and as production runs
 * code: one minified esbuild bundle holding the core and the libraries, run in a fresh Node process,
 * so that neither side inherits the benchmark's own state (its heap, the local stack's compiled code)
 * or loads through the TypeScript loader the benchmark runs under.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleEntry } from '../../lib/bundle';

export interface MicroFigures {
  benchmark: string;
  implementation: string;
  opsPerSecond: number;
  /** This project's ops per CPU second over this implementation's. */
  coreAdvantage: number;
}

export async function microBenchmarks(): Promise<MicroFigures[]> {
  const bundle = await bundleEntry('scripts/bench/micro-entry.ts');
  const dir = join(tmpdir(), `scim-bench-micro-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'micro.mjs');
  try {
    await writeFile(file, bundle.code);
    // process.execPath: the Node 22 the benchmark runs on (scripts/node22.mjs).
    const { stdout } = await promisify(execFile)(process.execPath, [file], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as MicroFigures[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
