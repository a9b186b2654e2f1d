/**
 * The benchmark's SCIM client: real HTTP to the local server, each request metered and recorded.
 * node:http with a keep-alive agent rather than fetch: the client runs in the server's process, and
 * undici's fetch cost several times the CPU per request, all of it counted in the end-to-end time
 * though a real provisioning client runs elsewhere.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { METER_HEADER, takeMeter } from './metering';
import type { Recorder } from './stats';

export type Json = Record<string, unknown>;

export interface Response {
  readonly status: number;
  readonly body: Json;
}

/** One pool of connections for every client (the server keeps connections alive). */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export class ScimClient {
  private next = 0;
  private readonly target: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly recorder: Recorder,
  ) {
    this.target = new URL(baseUrl);
  }

  async call(operation: string, method: string, path: string, body?: unknown): Promise<Response> {
    const id = String((this.next += 1));
    const started = performance.now();
    let status = 0;
    let json: Json;
    try {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const answer = await exchange(
        this.target,
        `${this.target.pathname}${path}`,
        method,
        {
          authorization: `Bearer ${this.token}`,
          [METER_HEADER]: id,
          ...(payload === undefined ? {} : { 'content-type': 'application/scim+json', 'content-length': String(payload.length) }),
        },
        payload,
      );
      status = answer.status;
      json = answer.text ? (JSON.parse(answer.text) as Json) : {};
    } finally {
      this.recorder.add(operation, { ms: performance.now() - started, status, meter: takeMeter(id) });
    }
    return { status, body: json };
  }
}

function exchange(
  target: URL,
  path: string,
  method: string,
  headers: Record<string, string>,
  payload: Buffer | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight; returns the wall time in ms. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return performance.now() - started;
}
