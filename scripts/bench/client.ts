/** The benchmark's SCIM client: real HTTP to the local server, each request metered and recorded. */
import { performance } from 'node:perf_hooks';
import { METER_HEADER, takeMeter } from './metering';
import type { Recorder } from './stats';

export type Json = Record<string, unknown>;

export interface Response {
  readonly status: number;
  readonly body: Json;
}

export class ScimClient {
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly recorder: Recorder,
  ) {}

  async call(operation: string, method: string, path: string, body?: unknown): Promise<Response> {
    const id = String((this.next += 1));
    const started = performance.now();
    let status = 0;
    let json: Json = {};
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          [METER_HEADER]: id,
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      status = response.status;
      const text = await response.text();
      json = text ? (JSON.parse(text) as Json) : {};
    } finally {
      this.recorder.add(operation, { ms: performance.now() - started, status, meter: takeMeter(id) });
    }
    return { status, body: json };
  }
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
