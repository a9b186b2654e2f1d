/**
 * Installs AWS DynamoDB Local (a Java jar) without adding it as a dependency: the jar ships inside
 * the npm package amplify-dynamodb-simulator, whose full dependency tree is ~350 MB we never use.
 * We fetch only its tarball with `npm pack` (the registry is the one network source every machine
 * of this project reaches), check it against a pinned integrity hash and keep just `emulator/`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EMULATOR_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
export const EMULATOR_INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Gitignored; shared by `npm start`, the jest global setup and the admin CLI. */
export const EMULATOR_HOME = join(repoRoot, '.dynamodb-local');
export const EMULATOR_DIR = join(EMULATOR_HOME, 'emulator');
/** Written last, so a half-extracted folder is never taken for an installed one. */
const INSTALLED_MARKER = '.installed';

export interface Emulator {
  readonly jar: string;
  readonly libraryPath: string;
}

const emulatorAt = (dir: string): Emulator => ({
  jar: join(dir, 'DynamoDBLocal.jar'),
  libraryPath: join(dir, 'DynamoDBLocal_lib'),
});

export function isEmulatorInstalled(dir: string = EMULATOR_DIR): boolean {
  return existsSync(join(dir, INSTALLED_MARKER)) && existsSync(emulatorAt(dir).jar);
}

/** The installed emulator, installing it first when missing (about 56 MB from the npm registry). */
export async function ensureEmulator(log: (line: string) => void = () => undefined): Promise<Emulator> {
  if (isEmulatorInstalled()) return emulatorAt(EMULATOR_DIR);
  log(`Installing DynamoDB Local from ${EMULATOR_PACKAGE} into ${EMULATOR_DIR} ...`);
  await mkdir(EMULATOR_HOME, { recursive: true });
  const work = await mkdtemp(join(EMULATOR_HOME, 'install-'));
  try {
    const tarball = await packTarball(work);
    await verifyIntegrity(tarball);
    await run('tar', ['-xzf', tarball, '-C', work, '--strip-components=1', 'package/emulator']);
    await writeFile(join(work, 'emulator', INSTALLED_MARKER), `${EMULATOR_PACKAGE}\n${EMULATOR_INTEGRITY}\n`);
    await moveIntoPlace(join(work, 'emulator'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return emulatorAt(EMULATOR_DIR);
}

async function packTarball(dir: string): Promise<string> {
  await run('npm', ['pack', EMULATOR_PACKAGE, '--pack-destination', dir, '--silent'], dir);
  const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${EMULATOR_PACKAGE} produced no tarball`);
  return join(dir, tarball);
}

async function verifyIntegrity(file: string): Promise<void> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = `sha512-${hash.digest('base64')}`;
  if (actual !== EMULATOR_INTEGRITY) {
    throw new Error(`${EMULATOR_PACKAGE} failed its integrity check (expected ${EMULATOR_INTEGRITY}, got ${actual})`);
  }
}

/** Another process (jest and `npm start` at once) may have installed it meanwhile: theirs is as good. */
async function moveIntoPlace(extracted: string): Promise<void> {
  if (isEmulatorInstalled()) return;
  // Left over from an interrupted install (no marker): never a folder a running java uses.
  await rm(EMULATOR_DIR, { recursive: true, force: true });
  try {
    await rename(extracted, EMULATOR_DIR);
  } catch (error) {
    if (!isEmulatorInstalled()) throw error;
  }
}

function run(command: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}
