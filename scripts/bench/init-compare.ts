/**
 * Bundle size and init CPU of every Lambda entry, built from two checkouts and imported in
 * alternation in fresh Node 22 processes, so both meet the same machine load (docs/performance.md's
 * before/after table). The other checkout needs its dependencies installed (or a node_modules link).
 *
 *   npx tsx scripts/bench/init-compare.ts --before ../scim-before [--runs 15]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { functionEntries, streamFunctionEntries } from '../../functions/routes';
import { PROJECT_ROOT } from '../../lib/scim-endpoint';
import { node22 } from '../node22.mjs';
import { importTime, type InitTime } from './bundles';
import { round } from './stats';

const { values } = parseArgs({ options: { before: { type: 'string' }, runs: { type: 'string', default: '15' } } });
if (!values.before) throw new Error('give the other checkout with --before <dir>');
const roots = { before: resolve(values.before), after: PROJECT_ROOT };
const runs = Number(values.runs);
const node = await node22();
const dir = join(tmpdir(), `scim-init-compare-${process.pid}`);
const entries = { ...functionEntries, ...streamFunctionEntries, onboarding: 'functions/onboarding.ts' };

type Side = keyof typeof roots;
const median = (values: number[]) => round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0, 1);
const rows: Record<string, string | number>[] = [];
try {
  for (const [name, entry] of Object.entries(entries)) {
    const built: Partial<Record<Side, { file: string; kib: number }>> = {};
    for (const side of ['before', 'after'] as const) {
      // Each checkout's own bundling options (aliases, externals), as its `cdk synth` would use.
      const { bundleEntry } = (await import(join(roots[side], 'lib/bundle.ts'))) as typeof import('../../lib/bundle');
      const bundle = await bundleEntry(entry);
      const file = join(dir, side, `${name}.mjs`);
      await mkdir(join(dir, side), { recursive: true });
      await writeFile(file, bundle.code);
      built[side] = { file, kib: round(bundle.bytes / 1024, 1) };
    }
    const times: Record<Side, InitTime[]> = { before: [], after: [] };
    for (let run = 0; run < runs; run += 1) {
      for (const side of ['before', 'after'] as const) times[side].push(await importTime(node, built[side]?.file ?? ''));
    }
    rows.push({
      function: name,
      'before KiB': built.before?.kib ?? 0,
      'after KiB': built.after?.kib ?? 0,
      'before init CPU ms': median(times.before.map((t) => t.cpuMs)),
      'after init CPU ms': median(times.after.map((t) => t.cpuMs)),
      'before init ms': median(times.before.map((t) => t.wallMs)),
      'after init ms': median(times.after.map((t) => t.wallMs)),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
