/**
 * The local server (bin/local-server.ts, what `npm start` runs) in a child process, for the tests that
 * kill it with SIGKILL and start it again on the same data folder (restart, event-stream restart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** DynamoDB Local's endpoint, as printed at start. */
  readonly dynamoEndpoint: string;
}

export interface ServerProcessOptions {
  readonly port: number;
  readonly dataDir: string;
  /** SCIM_LOCAL_TENANTS, e.g. `acme=<token>`. */
  readonly tenants: string;
  /** More environment (SCIM_LOCAL_ADMIN_KEY …). */
  readonly env?: NodeJS.ProcessEnv;
  /** The server leads a process group of its own, which a test can kill as a whole. */
  readonly ownGroup?: boolean;
}

export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local-server.ts'], {
    detached: options.ownGroup ?? false,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(options.port),
      SCIM_DATA_DIR: options.dataDir,
      SCIM_LOCAL_TENANTS: options.tenants,
      SCIM_TENANTS_FILE: join(options.dataDir, 'no-tenants.json'),
      SCIM_EVENTS: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const endpoint = /DynamoDB Local at (\S+)\)/.exec(output)?.[1];
      if (endpoint) {
        clearTimeout(timer);
        resolve({ child, output: () => output, dynamoEndpoint: endpoint });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
