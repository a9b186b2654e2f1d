/**
 * Runs AWS DynamoDB Local as a child java process on a free port.
 *
 * Flags, and why:
 *  -sharedDb          one database for every access key and region, so the server, the admin CLI and
 *                     a shell with AWS_REGION set all see the same tables (without it DynamoDB Local
 *                     keeps one file per `<accessKey>_<region>`);
 *  -disableTelemetry  nothing leaves the machine;
 *  -inMemory | -dbPath <dataDir>/dynamodb   tests forget everything, `npm start` keeps its data.
 * It listens on 127.0.0.1 only (local/loopback-launcher.ts): it accepts any credentials, so on any
 * other interface anyone on the network could read and change the table.
 *
 * With a data dir, `<dataDir>/dynamodb-local.json` tells other tools (the admin CLI) where the
 * running instance listens; it is removed on stop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureEmulator, type Emulator } from './emulator';
import { freePort } from './free-port';
import { dynamoDbLocalCommand, type JavaCommand } from './loopback-launcher';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the java process and waits until it has exited. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Persist under `<dataDir>/dynamodb`; in memory when absent. */
  readonly dataDir?: string;
  /** Called when java exits without stop() having been called (crash, killed from outside). */
  readonly onUnexpectedExit?: (code: number | null) => void;
  readonly log?: (line: string) => void;
}

/** What `<dataDir>/dynamodb-local.json` holds. */
export interface RunningInstance {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** The server process that started it; when that is gone, the instance is an orphan. */
  readonly ownerPid?: number;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;

export const instanceFile = (dataDir: string) => join(dataDir, 'dynamodb-local.json');

/** The instance running on a data dir, if its process is alive (a stale file is ignored). */
export function readRunningInstance(dataDir: string): RunningInstance | undefined {
  const file = instanceFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const instance = JSON.parse(readFileSync(file, 'utf8')) as RunningInstance;
    return typeof instance.pid === 'number' && isAlive(instance.pid) ? instance : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJava();
  if (options.dataDir) await claimDataDir(options.dataDir, options.log);
  const emulator = await ensureEmulator(options.log);
  const command = await dynamoDbLocalCommand(emulator, options.log);
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await launch(emulator, command, port, options);
    } catch (error) {
      // Another process may have taken the port between our probe and java's bind.
      if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`DynamoDB Local needs Java 17 or newer, and \`java\` could not be run: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`\`java -version\` failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
  }
}

async function claimDataDir(dataDir: string, log: ((line: string) => void) | undefined): Promise<void> {
  const running = readRunningInstance(dataDir);
  if (running?.ownerPid !== undefined && !isAlive(running.ownerPid)) {
    // The server that owned it was killed (kill -9 skips our exit hooks): stop the orphan, then start afresh.
    await stopOrphan(running.pid);
    log?.(`stopped DynamoDB Local left running by a killed server (pid ${running.pid})`);
  } else if (running) {
    throw new Error(`DynamoDB Local is already running on ${dataDir} (pid ${running.pid}, ${running.endpoint}): stop that server first`);
  }
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  // A killed process that nobody reaps stays visible as a zombie: it holds no port or file, so wait briefly only.
  const reaped = Date.now() + 2_000;
  while (isAlive(pid) && Date.now() < reaped) await new Promise((resolve) => setTimeout(resolve, 50));
}

class PortTakenError extends Error {}

async function launch(emulator: Emulator, command: JavaCommand, port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const storage = options.dataDir ? ['-dbPath', join(options.dataDir, 'dynamodb')] : ['-inMemory'];
  const args = [
    `-Djava.library.path=${emulator.libraryPath}`,
    ...command.args,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...storage,
  ];
  // With a data dir, java gets its own process group: a kill -9 of the server's group (`kill -9 -<pgid>`,
  // a terminal closing) must not kill it too, because DynamoDB Local acknowledges a TransactWriteItems
  // some milliseconds before it is on disk (scripts/durability-probe.ts). The next start stops the orphan
  // with SIGTERM, which loses nothing.
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.dataDir !== undefined });
  const output = outputTail(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;

  // A test run that crashes must not leave java behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilReady(endpoint, exited, output);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  // The launcher's warning when it could not index the stream records (calls then slow down as they pile up).
  const warning = /^warning: .*$/m.exec(output());
  if (warning) options.log?.(warning[0]);

  let stopping = false;
  void exited.then((code) => {
    process.removeListener('exit', killOnExit);
    if (!stopping) options.onUnexpectedExit?.(code);
  });
  const pid = child.pid ?? 0;
  if (options.dataDir) await writeFile(instanceFile(options.dataDir), JSON.stringify({ endpoint, port, pid, ownerPid: process.pid }));

  return {
    endpoint,
    port,
    pid,
    stop: async () => {
      stopping = true;
      await terminate(child, exited);
      if (options.dataDir) await rm(instanceFile(options.dataDir), { force: true });
    },
  };
}

function outputTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim();
}

async function waitUntilReady(endpoint: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        const text = output();
        if (/address already in use/i.test(text)) throw new PortTakenError(text);
        throw new Error(`DynamoDB Local exited with code ${exitCode} while starting:\n${text}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
  } finally {
    client.destroy();
  }
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
