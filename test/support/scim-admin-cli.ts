/**
 * The scim-admin CLI as the test files run it, many times each: bin/scim-admin.ts bundled once by
 * esbuild (per source tree, in the temp folder, like the CDK template of test/cdk/stack-fixture.ts) and
 * run as `node <bundle> <arguments>` in a child process (runScimAdmin).
 *
 * Why: started through bin/scim-admin.js, each run loads some hundreds of TypeScript modules through
 * tsx's loader, about 0.9 s of CPU and 2.2 s of wall time on this 2-core machine (load ~10), against
 * 0.15 s and 0.45 s for the bundle; the suite runs the CLI about 110 times. The code, the arguments,
 * the environment, the exit codes and the output are the same: the bundle carries the file's header
 * comment first, which is what `--help` prints. The operators' way in (bin/scim-admin.js through tsx)
 * is still run by admin.test.ts and by the README tour (readme-tour.test.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sourceDigest } from './source-digest';

const ENTRY = 'bin/scim-admin.ts';
const SOURCES = ['admin', 'bin', 'functions', 'local', 'lib', 'package-lock.json', 'test/support/scim-admin-cli.ts'];

/** Lets bundled CommonJS dependencies call `require` inside the ES module. */
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One run of the CLI in a child process: its exit code and output. `env`: this process's, without jest's NODE_OPTIONS. */
export async function runScimAdmin(
  args: readonly string[],
  env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' },
): Promise<CliRun> {
  const cli = await scimAdminBundle();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let bundle: Promise<string> | undefined;

/** The path of the bundled CLI, built on first use for this source tree. */
function scimAdminBundle(): Promise<string> {
  bundle ??= buildOnce();
  return bundle;
}

async function buildOnce(): Promise<string> {
  const dir = join(tmpdir(), 'scim-admin-bundles');
  const file = join(dir, `${sourceDigest(SOURCES)}.mjs`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  // `--help` prints the first comment of the running file (bin/scim-admin.ts reads its own source).
  const header = `${readFileSync(ENTRY, 'utf8').split('*/')[0]}*/`;
  // Written aside and renamed: a parallel worker reads a whole file or none.
  const partial = `${file}.${process.pid}`;
  await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile: partial,
    banner: { js: `${header}\n${REQUIRE_SHIM}` },
    logLevel: 'warning',
  });
  renameSync(partial, file);
  return file;
}
