/** Each Lambda bundle's minified size and its module initialisation time in a fresh Node process. */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEntries, streamFunctionEntries } from '../../functions/routes';
import { bundleEntry } from '../../lib/bundle';
import { round } from './stats';

export interface BundleFigures {
  function: string;
  kib: number;
  initMs: number;
}

const RUNS = 5;

export async function measureBundles(): Promise<BundleFigures[]> {
  const dir = join(tmpdir(), `scim-bench-bundles-${process.pid}`);
  const figures: BundleFigures[] = [];
  const entries = { ...functionEntries, ...streamFunctionEntries, onboarding: 'functions/onboarding.ts' };
  for (const [name, entry] of Object.entries(entries)) {
    const bundle = await bundleEntry(entry);
    const file = join(dir, name, 'index.mjs');
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(file, bundle.code);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) times.push(await importTime(file));
    times.sort((a, b) => a - b);
    figures.push({ function: name, kib: round(bundle.bytes / 1024, 1), initMs: round(times[Math.floor(RUNS / 2)] ?? 0, 1) });
  }
  return figures;
}

/** Milliseconds to import the bundle in a new process (what a Lambda cold start pays for the code). */
function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--no-warnings', '-e', script],
      { env: { PATH: process.env.PATH, TABLE_NAME: 'bench', EVENT_BUS_NAME: 'bench', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' } },
      (error, stdout) => (error ? reject(error) : resolve(Number(stdout))),
    );
  });
}
