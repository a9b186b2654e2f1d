/**
 * Handler CPU per request: the CPU time the server process spends running a Lambda handler for one
 * request — middy, body parsing, routing, validation, the SCIM core, logging, metrics, JSON, and
 * the SDK's own work (marshalling, signing, its HTTP client) — but not the time it waits for
 * DynamoDB, which runs in another process (DynamoDB Local).
 *
 * - `process` (one request in flight): the process's CPU time over the invocation (cpuMicros). The
 *   client is waiting for this very response; the stream poller (every 250 ms) may overlap a few
 *   invocations, which shows in p95, not p50.
 * - `slices` (several in flight): invocations interleave, so each synchronous slice of a handler's
 *   continuations is timed (async_hooks before/after) and added to the invocation it belongs to
 *   (AsyncLocalStorage). The hooks cost a little themselves; the figures include it.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import type { AroundInvoke } from '../../local/gateway';

export type CpuMode = 'process' | 'slices';

interface Invocation {
  us: number;
}

/**
 * CPU time of the whole process, µs. Not process.threadCpuUsage (the main thread alone): Linux
 * brings a thread's own counter up to date only when the thread is switched out or at a timer tick,
 * so a reading taken while the thread runs is stale by up to one scheduling slice — it moved the
 * emulator's work into the handler's figure and the handler's last slice out of it. The process
 * counter is exact. It includes V8's background threads (concurrent GC marking, the optimising
 * compiler), which work for the handler as much as for anything else; drive.ts reports their share.
 */
export const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** process.threadCpuUsage (Node ≥ 22.19; @types/node is 20's): exact over long intervals only (see cpuMicros). */
const threadCpuUsage = (process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process);
export const mainThreadMicros = (): number | undefined => {
  if (!threadCpuUsage) return undefined;
  const { user, system } = threadCpuUsage();
  return user + system;
};

/** `record(ms)` receives each invocation's CPU time, in the request's own async context. */
export function cpuMeter(mode: CpuMode, record: (ms: number) => void): { aroundInvoke: AroundInvoke; stop: () => void } {
  if (mode === 'process') {
    return {
      aroundInvoke: async (_name, invoke) => {
        const started = cpuMicros();
        try {
          return await invoke();
        } finally {
          record((cpuMicros() - started) / 1000);
        }
      },
      stop: () => undefined,
    };
  }
  const storage = new AsyncLocalStorage<Invocation>();
  let depth = 0;
  let slice: { invocation: Invocation; started: number } | undefined;
  const hook = createHook({
    before() {
      depth += 1;
      if (depth !== 1) return;
      const invocation = storage.getStore();
      slice = invocation ? { invocation, started: cpuMicros() } : undefined;
    },
    after() {
      depth -= 1;
      if (depth !== 0 || !slice) return;
      slice.invocation.us += cpuMicros() - slice.started;
      slice = undefined;
    },
  });
  hook.enable();
  return {
    aroundInvoke: async (_name, invoke) => {
      const invocation: Invocation = { us: 0 };
      // The first slice runs synchronously inside storage.run, outside any before/after pair.
      const started = cpuMicros();
      const running = storage.run(invocation, invoke);
      invocation.us += cpuMicros() - started;
      try {
        return await running;
      } finally {
        record(invocation.us / 1000);
      }
    },
    stop: () => hook.disable(),
  };
}
