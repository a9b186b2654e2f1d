/**
 * moto_server for tests of real AWS SDK calls (KMS, Secrets Manager, ...): one server per test
 * file on a free port, reached with AWS_ENDPOINT_URL_<SERVICE>. When moto_server is not on PATH
 * the suite does not pretend: `describeWithMoto` registers its tests as `todo` and prints which
 * ones could not run and why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { freePort } from '../../local/free-port';

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export function motoServerPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

export async function startMoto(executable: string): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface MotoSuite {
  /** Runs once moto_server answers (create keys, start a stack...). */
  readonly setup?: (moto: Moto) => Promise<void>;
  readonly teardown?: () => Promise<void>;
  /** Test title → test body. */
  readonly tests: Readonly<Record<string, (moto: Moto) => Promise<void>>>;
}

/**
 * A `describe` whose tests run against a moto_server started for them. Without moto_server every
 * test is registered as `todo` (counted in jest's summary) and a warning names each one.
 */
export function describeWithMoto(name: string, suite: MotoSuite): void {
  const executable = motoServerPath();
  const titles = Object.keys(suite.tests);
  if (!executable) {
    describe(`${name} [NOT RUN: moto_server is not on PATH]`, () => {
      // At collection time: hooks of a block with only todo tests never run.
      console.warn(
        `moto_server is not on PATH (pip install "moto[server]"): these tests of "${name}" could NOT run:\n${titles.map((t) => `  - ${t}`).join('\n')}`,
      );
      for (const title of titles) it.todo(`${title} (needs moto_server)`);
    });
    return;
  }
  describe(name, () => {
    let server: Moto | undefined;
    beforeAll(async () => {
      server = await startMoto(executable);
      await suite.setup?.(server);
    }, 60_000);
    afterAll(async () => {
      await suite.teardown?.();
      await server?.stop();
    });
    for (const [title, test] of Object.entries(suite.tests)) {
      it(title, async () => {
        if (!server) throw new Error('moto_server is not running');
        await test(server);
      });
    }
  });
}
