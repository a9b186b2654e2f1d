/**
 * Where the server's CPU goes: summarises V8 CPU profiles (`node --cpu-prof`) of a benchmark run by
 * category. Each sample is given to the innermost frame that says where it is: a builtin such as
 * JSON.parse is JSON whoever called it; other code by its file (the local API Gateway emulation,
 * Powertools logging and metrics, validation, the SCIM core, the AWS SDK, HTTP, the benchmark's
 * own client). Idle time and the profiler itself are left out.
 *
 * V8's profiler samples the main thread by wall clock: a socket write (`writev`) that the kernel
 * delays — loopback delivery to DynamoDB Local, the thread descheduled on a loaded machine — shows
 * as time spent there though it is little CPU. Socket system calls get their own row for that
 * reason; process.cpuUsage (cpu.ts) is the CPU figure, the profile says where the rest goes.
 *
 *   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=bench-results/profile" nice npm run bench -- --skip bundles,micro ...
 *   npx tsx scripts/bench/cpu-profile.ts bench-results/profile
 * One request type, handler only (drive.ts):
 *   node scripts/node22.mjs --experimental-async-context-frame --cpu-prof --cpu-prof-dir=bench-results/drive --import tsx scripts/bench/drive.ts get-user 3000
 *   npx tsx scripts/bench/cpu-profile.ts bench-results/drive <profileWindowUs as drive.ts prints it: from,to>
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { table } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Only samples taken in this window (µs of the monotonic clock the profile uses), e.g. drive.ts's measured phase. */
interface Window {
  from: number;
  to: number;
}

const CATEGORIES: readonly [string, (url: string, fn: string) => boolean][] = [
  ['GC', (url, fn) => fn === '(garbage collector)'],
  [
    'socket system calls (wall time, see above)',
    (url, fn) => url === '' && /^(writev|writeBuffer|writeUtf8String|writeLatin1String)$/.test(fn),
  ],
  ['JSON', (url, fn) => url === '' && /^(parse|stringify)$/.test(fn)],
  ['logging (Powertools Logger)', (url) => url.includes('@aws-lambda-powertools/logger')],
  ['metrics (Powertools Metrics)', (url) => url.includes('@aws-lambda-powertools/metrics')],
  ['validation (zod, validate.ts)', (url) => url.includes('/zod/') || url.includes('functions/scim/resource/')],
  ['filter, PATCH, projection (SCIM core)', (url) => url.includes('functions/scim/')],
  ['provisioning + store (functions/)', (url) => url.includes('/functions/')],
  ['middy', (url) => url.includes('@middy/')],
  ['AWS SDK (marshalling, signing, HTTP)', (url) => url.includes('@aws-sdk/') || url.includes('@smithy/') || url.includes('@aws-crypto/')],
  ['API Gateway emulation (local/)', (url) => url.includes('/local/')],
  [
    'benchmark instrumentation (cpu.ts hooks, metering)',
    (url, fn) =>
      (url === '' && /^(cpuUsage|threadCpuUsage)$/.test(fn)) ||
      url.includes('/scripts/bench/cpu.ts') ||
      url.includes('/scripts/bench/metering.ts') ||
      url === 'node:internal/async_hooks' ||
      url === 'node:internal/async_local_storage/async_hooks',
  ],
  ['benchmark client (scripts/)', (url) => url.includes('/scripts/')],
  ['HTTP (node:http, undici)', (url) => url.startsWith('node:') && /http|undici|net|stream|_http/.test(url)],
  ['tsx loader', (url) => url.includes('/tsx/') || url.includes('esbuild')],
];

function categorise(profile: Profile, window?: Window): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const cache = new Map<number, string | undefined>();
  const categoryOf = (id: number): string | undefined => {
    if (cache.has(id)) return cache.get(id);
    const node = byId.get(id);
    if (!node) return undefined;
    const { url, functionName } = node.callFrame;
    if (['(idle)', '(program)', '(root)'].includes(functionName)) return undefined;
    const found = CATEGORIES.find(([, test]) => test(url, functionName))?.[0];
    const up = parent.get(id);
    const result = found ?? (up === undefined ? 'other (Node internals)' : (categoryOf(up) ?? 'other (Node internals)'));
    cache.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.from || at > window.to)) return;
    const node = byId.get(id);
    if (!node || ['(idle)', '(program)', '(root)'].includes(node.callFrame.functionName)) return;
    const category = categoryOf(id) ?? 'other (Node internals)';
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

const [dirArgument, windowArgument] = process.argv.slice(2);
const dir = dirArgument ?? 'bench-results/profile';
// `from,to` in µs, as drive.ts prints it (profileWindowUs).
const window = windowArgument ? ((([from, to]) => ({ from, to }))(windowArgument.split(',').map(Number)) as Window) : undefined;
const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
// The largest profile is the benchmark process (tsx's launcher writes a small one too).
const sized = await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(dir, f))).size })));
const biggest = sized.sort((a, b) => b.size - a.size)[0];
if (!biggest) throw new Error(`no .cpuprofile in ${dir}`);
const totals = categorise(JSON.parse(await readFile(join(dir, biggest.f), 'utf8')) as Profile, window);
const sum = [...totals.values()].reduce((a, b) => a + b, 0);
/** Rows that are not the server's CPU: wall time in system calls, and the benchmark's own measuring and client. */
const NOT_SERVER_CPU = new Set([
  'socket system calls (wall time, see above)',
  'benchmark instrumentation (cpu.ts hooks, metering)',
  'benchmark client (scripts/)',
]);
const serverSum = [...totals].filter(([category]) => !NOT_SERVER_CPU.has(category)).reduce((a, [, ms]) => a + ms, 0);
console.log(
  `${biggest.f}: ${Math.round(sum)} ms sampled (idle excluded${window ? ', measured window only' : ''}), ${Math.round(serverSum)} ms of it the server's`,
);
console.log(
  table(
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .map(([category, ms]) => ({
        category,
        ms: Math.round(ms),
        share: `${((ms / sum) * 100).toFixed(1)}%`,
        "share of the server's": NOT_SERVER_CPU.has(category) ? '–' : `${((ms / serverSum) * 100).toFixed(1)}%`,
      })),
  ),
);
