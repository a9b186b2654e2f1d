#!/usr/bin/env node
/**
 * Runs Node 22 — the runtime Lambda runs this code on (nodejs22.x), and the one middy 7 and the
 * AWS SDK require — whatever Node runs npm. `node scripts/node22.mjs <node args>` executes
 * `<node 22> <node args>`: the current node when it is 22 or newer, otherwise Node 22 fetched
 * once from the npm registry (the one network source this project's machines reach) into
 * `.node22/` (gitignored). The package `node-<platform>-<arch>@<NODE22_VERSION>` carries the
 * official binary in `bin/node`; `npm pack` checks it against the registry's integrity, and it is
 * checked again against the pinned hash below before use.
 *
 * The child gets the terminal, SIGINT/SIGTERM/SIGHUP sent to this process (or SIGTERM when the
 * parent goes away), and its exit status is this process's (a signal re-raised), so `npm start`
 * stops as one process.
 * Also imported by bin/scim-admin.js and the bundle check (test/cdk/lambda-runtime.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const NODE22_VERSION = '22.23.5';
/** sha512 of the registry tarballs of `node-<platform>-<arch>@NODE22_VERSION`. */
const INTEGRITY = {
  'linux-x64': 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  'linux-arm64': 'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==',
};

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE22_HOME = join(repoRoot, '.node22');

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** True when this process already runs Node 22 or newer. */
export const runsNode22 = () => major(process.version) >= 22;

/** The path of a Node 22 binary: this one, or the fetched one (fetching it on first use). */
export async function node22(log = (line) => process.stderr.write(`${line}\n`)) {
  if (runsNode22()) return process.execPath;
  return fetchedNode22(log);
}

/** The fetched Node 22 binary (never the current node): what the bundle check runs bundles on. */
export async function fetchedNode22(log = (line) => process.stderr.write(`${line}\n`)) {
  const platform = `${process.platform}-${process.arch}`;
  const integrity = INTEGRITY[platform];
  if (!integrity) {
    throw new Error(
      `Node ${process.version} is too old for this project and no Node 22 package is pinned for ${platform}: install Node 22`,
    );
  }
  const dir = join(NODE22_HOME, `${NODE22_VERSION}-${platform}`);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  const name = `node-${platform}@${NODE22_VERSION}`;
  log(`Fetching Node ${NODE22_VERSION} (${name}, about 50 MB) from the npm registry into ${NODE22_HOME} ...`);
  await mkdir(NODE22_HOME, { recursive: true });
  const work = await mkdtemp(join(NODE22_HOME, 'fetch-'));
  try {
    run('npm', ['pack', name, '--pack-destination', work, '--silent'], work);
    const tarball = (await readdir(work)).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name} produced no tarball`);
    const actual = await sha512(join(work, tarball));
    if (actual !== integrity) throw new Error(`${name} failed its integrity check (expected ${integrity}, got ${actual})`);
    const extracted = join(work, 'node');
    await mkdir(extracted);
    run('tar', ['-xzf', join(work, tarball), '-C', extracted, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], work);
    try {
      await rename(extracted, dir);
    } catch (error) {
      // Another process (jest and `npm start` at once) fetched it meanwhile: theirs is as good.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return binary;
}

async function sha512(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    shell: process.platform === 'win32',
  });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
}

const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `<node 22> ...args` as this process: terminal, signals and exit status pass through. */
export async function execNode22(args) {
  const binary = await node22();
  const child = spawn(binary, args, { stdio: 'inherit' });
  const relay = (signal) => child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  // `npm start` runs this under `sh -c`, and a SIGTERM to npm ends that shell without passing the
  // signal on: this process is then re-parented. A parent gone counts as SIGTERM, so the server and
  // DynamoDB Local never outlive the command that started them.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      relay('SIGTERM');
    }
  }, 250);
  child.on('error', (error) => {
    process.stderr.write(`cannot run ${binary}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    clearInterval(watch);
    for (const name of RELAYED) process.removeListener(name, relay);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  execNode22(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
