/**
 * The measured half of the cost table (scripts/cost.ts): an Entra initial sync and an incremental
 * cycle (scripts/bench/cycles.ts) over HTTP against the local stack on DynamoDB Local, one request
 * in flight, counting per phase what AWS bills by: HTTP requests, each function's invocations and
 * wall milliseconds, every stream function's batches and records, the DynamoDB read and write units
 * consumed on the request path and by the stream functions (ReturnConsumedCapacity), the bytes the
 * handlers log, and the change events published.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { generateToken } from '../../functions/credentials/secret-token';
import { documentClient } from '../../functions/store/dynamodb-client';
import { startLocalStack } from '../../local/server';
import { ScimClient } from '../bench/client';
import { incrementalCycle, initialCycle } from '../bench/cycles';
import { Recorder } from '../bench/stats';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface Units {
  rcu: number;
  wcu: number;
  calls: number;
}

export interface StreamUse {
  batches: number;
  ms: number;
  /** Every record of every batch it was given (the local poller does not filter). */
  records: DynamoDBRecord[];
}

export interface PhaseUse {
  readonly phase: string;
  requests: number;
  readonly requestPath: Units;
  readonly streams: Units;
  /** HTTP function → invocations and wall ms. */
  readonly invocations: Map<string, { count: number; ms: number }>;
  readonly streamFunctions: Map<string, StreamUse>;
  logBytes: number;
  logRecords: number;
  events: number;
}

export interface WorkloadSizes {
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
}

const newPhase = (phase: string): PhaseUse => ({
  phase,
  requests: 0,
  requestPath: { rcu: 0, wcu: 0, calls: 0 },
  streams: { rcu: 0, wcu: 0, calls: 0 },
  invocations: new Map(),
  streamFunctions: new Map(),
  logBytes: 0,
  logRecords: 0,
  events: 0,
});

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const inStream = new AsyncLocalStorage<true>();

/** Every call of the client asks for its consumed capacity, added to the phase (stream function's or request path's). */
function meterAll(client: DynamoDBDocumentClient, current: () => PhaseUse | undefined): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const phase = current();
      if (!phase) return next(args);
      const command = String(context.commandName ?? '');
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const units = inStream.getStore() ? phase.streams : phase.requestPath;
      units.calls += 1;
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const total = c.CapacityUnits ?? 0;
        const reads = c.ReadCapacityUnits ?? (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(command) ? total : 0);
        units.rcu += reads;
        units.wcu += c.WriteCapacityUnits ?? (reads === 0 ? total : 0);
      }
      return result;
    },
    { step: 'initialize', name: 'costMeter', override: true },
  );
}

/** The handlers' JSON log records (Powertools, as deployed at INFO): counted, then dropped from the terminal. */
function countLogRecords(current: () => PhaseUse | undefined): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (!text.startsWith('{')) return write(chunk, ...rest);
    const phase = current();
    if (phase) {
      phase.logBytes += Buffer.byteLength(text);
      phase.logRecords += text.split('\n').filter(Boolean).length;
    }
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof process.stdout.write;
}

export async function measureWorkload(sizes: WorkloadSizes): Promise<PhaseUse[]> {
  let current: PhaseUse | undefined;
  countLogRecords(() => current);
  const tenant = { tenantId: 'cost', token: generateToken() };
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'cost',
    tenants: [tenant],
    authorizerCacheSeconds: 300,
    log: () => undefined,
    eventSink: async (events) => {
      if (current) current.events += events.length;
      return [];
    },
    aroundRequest: (_request, handle) => {
      if (current) current.requests += 1;
      return handle();
    },
    aroundInvoke: async (name, invoke) => {
      const started = performance.now();
      try {
        return await invoke();
      } finally {
        const use = current?.invocations.get(name) ?? { count: 0, ms: 0 };
        use.count += 1;
        use.ms += performance.now() - started;
        current?.invocations.set(name, use);
      }
    },
    aroundStreamInvoke: async (name, event, invoke) => {
      const started = performance.now();
      try {
        return await inStream.run(true, invoke);
      } finally {
        const use = current?.streamFunctions.get(name) ?? { batches: 0, ms: 0, records: [] };
        use.batches += 1;
        use.ms += performance.now() - started;
        use.records.push(...event.Records);
        current?.streamFunctions.set(name, use);
      }
    },
  });
  try {
    meterAll(documentClient(), () => current);
    meterAll(stack.db.client, () => current);
    const base = `${stack.url}/tenants/${tenant.tenantId}/scim/v2`;
    const cycleSizes = { ...sizes, concurrency: 1 };
    const phases: PhaseUse[] = [];
    const recorder = new Recorder();
    // Load every function once (the local server loads entry modules on first use): no cold start is measured.
    const warm = new ScimClient(base, tenant.token, recorder);
    const warmUser = await warm.call('warm-up', 'POST', '/Users', { schemas: [USER], userName: 'warm-up@example.com' });
    await warm.call('warm-up', 'GET', '/Groups?count=1');
    await warm.call('warm-up', 'DELETE', `/Users/${String(warmUser.body.id)}`);
    await stack.drainStreams();
    current = newPhase('initial sync');
    const population = await initialCycle(new ScimClient(base, tenant.token, recorder), recorder, cycleSizes);
    await stack.drainStreams();
    phases.push(current);
    current = newPhase('steady state');
    await incrementalCycle(new ScimClient(base, tenant.token, recorder), recorder, cycleSizes, population);
    await stack.drainStreams();
    phases.push(current);
    current = undefined;
    return phases;
  } finally {
    current = undefined;
    await stack.stop();
  }
}
