/**
 * Per-request DynamoDB metering for the benchmark: every call the handlers make during one HTTP
 * request is counted (round trips), timed and asked for its consumed capacity
 * (ReturnConsumedCapacity: TOTAL), through middlewares on the process's DynamoDB client:
 *  - `dynamoMs`: the HTTP exchanges alone (innermost, around the request handler: from sending the
 *    signed request to the response's headers, each attempt). This is "the DynamoDB time" of the
 *    e2e/DDB ratio. Until 2026-12-01 it was timed around the whole SDK call, so the SDK's own CPU
 *    (marshalling, signing, parsing) counted as DynamoDB time and flattered the ratio.
 *  - `sdkCpuMs`: the main thread's CPU inside SDK calls (SDK + its HTTP client), part of the
 *    handler CPU. Exact at 1 in flight only: with several in flight other requests run while a
 *    call awaits, so it is not reported there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AroundRequest } from '../../local/server';
import { cpuMicros } from './cpu';

export interface Meter {
  calls: number;
  /** Wall time of the HTTP exchanges with DynamoDB (innermost middleware). */
  dynamoMs: number;
  /** Main-thread CPU inside SDK calls, their HTTP client included (valid at 1 in flight). */
  sdkCpuMs: number;
  rcu: number;
  wcu: number;
  /** CPU time of the handler invocation(s) serving the request (cpu.ts). */
  handlerCpuMs: number;
}

export const METER_HEADER = 'x-bench-request';

const storage = new AsyncLocalStorage<Meter>();
const meters = new Map<string, Meter>();

/** Commands that accept ReturnConsumedCapacity. */
const CAPACITY_COMMANDS = /^(Get|Put|Update|Delete|Query|Scan|BatchGet|BatchWrite|TransactWrite|TransactGet)/;

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export function installMeter(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const meter = storage.getStore();
      if (!meter) return next(args);
      const command = String(context.commandName ?? '');
      const input = args.input as Record<string, unknown>;
      if (CAPACITY_COMMANDS.test(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const cpuStarted = cpuMicros();
      try {
        const result = await next(args);
        addCapacity(meter, command, (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity);
        return result;
      } finally {
        meter.calls += 1;
        meter.sdkCpuMs += (cpuMicros() - cpuStarted) / 1000;
      }
    },
    { step: 'initialize', name: 'benchMeter', override: true },
  );
  // Innermost: after signing and retries, inside the deserializer (priority low within its step).
  client.middlewareStack.add(
    (next) => async (args) => {
      const meter = storage.getStore();
      if (!meter) return next(args);
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        meter.dynamoMs += performance.now() - started;
      }
    },
    { step: 'deserialize', priority: 'low', name: 'benchDynamoTime', override: true },
  );
}

function addCapacity(meter: Meter, command: string, consumed: Capacity | Capacity[] | undefined): void {
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    const units = c.CapacityUnits ?? 0;
    const reads = c.ReadCapacityUnits ?? (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(command) ? units : 0);
    const writes = c.WriteCapacityUnits ?? (reads === 0 ? units : 0);
    meter.rcu += reads;
    meter.wcu += writes;
  }
}

/** The local server hook: a fresh meter per request, found again by the request's header. */
export const meterRequests: AroundRequest = (request: IncomingMessage, handle) => {
  const id = request.headers[METER_HEADER];
  if (typeof id !== 'string') return handle();
  const meter: Meter = { calls: 0, dynamoMs: 0, sdkCpuMs: 0, rcu: 0, wcu: 0, handlerCpuMs: 0 };
  meters.set(id, meter);
  return storage.run(meter, handle);
};

export function takeMeter(id: string): Meter | undefined {
  const meter = meters.get(id);
  meters.delete(id);
  return meter;
}

/** Runs `work` with a meter outside any HTTP request (bare DynamoDB timing). */
export async function metered<T>(work: () => Promise<T>): Promise<{ result: T; meter: Meter }> {
  const meter: Meter = { calls: 0, dynamoMs: 0, sdkCpuMs: 0, rcu: 0, wcu: 0, handlerCpuMs: 0 };
  const result = await storage.run(meter, work);
  return { result, meter };
}

/** Adds handler CPU time to the meter of the request being served (called in its async context). */
export function addHandlerCpu(ms: number): void {
  const meter = storage.getStore();
  if (meter) meter.handlerCpuMs += ms;
}
