/**
 * DynamoDB Local listens on every interface and has no option to change that (see
 * local/java/LoopbackDynamoDbLocal.java). The launcher there binds it to 127.0.0.1; it is compiled
 * once with `javac` into `.dynamodb-local/launcher-<hash of source>/` (gitignored) and reused.
 * Without a JDK (only a JRE, no javac) DynamoDB Local runs as shipped and a warning says so.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_HOME, type Emulator } from './emulator';

const SOURCE = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
export const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/** How to start java: the loopback launcher's class path and class, or the plain jar. */
export interface JavaCommand {
  readonly args: readonly string[];
  readonly loopback: boolean;
}

export function emulatorClassPath(emulator: Emulator, extra: string[] = []): string {
  return [...extra, emulator.jar, join(emulator.libraryPath, '*')].join(delimiter);
}

export async function dynamoDbLocalCommand(emulator: Emulator, log?: (line: string) => void): Promise<JavaCommand> {
  const launcher = await ensureLauncher(emulator).catch((error: unknown) => {
    log?.(
      `warning: DynamoDB Local listens on every interface (could not build its 127.0.0.1 launcher: ${error instanceof Error ? error.message : String(error)}); install a JDK 17 (javac) to bind it to 127.0.0.1`,
    );
    return undefined;
  });
  if (!launcher) return { args: ['-jar', emulator.jar], loopback: false };
  return { args: ['-cp', emulatorClassPath(emulator, [launcher]), LAUNCHER_CLASS], loopback: true };
}

async function ensureLauncher(emulator: Emulator): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = join(EMULATOR_HOME, `launcher-${hash}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  const work = await mkdtemp(join(EMULATOR_HOME, 'launcher-build-'));
  try {
    await javac(['-nowarn', '-cp', emulatorClassPath(emulator), '-d', work, SOURCE]);
    try {
      await rename(work, dir);
    } catch (error) {
      // Another process (jest and `npm start` at once) built it meanwhile: theirs is as good.
      if (!existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return dir;
}

function javac(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('javac', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    child.on('error', (error) => reject(new Error(`cannot run javac: ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`javac exited with ${code}: ${stderr.trim()}`))));
  });
}
