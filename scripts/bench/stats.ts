/** Samples per operation → the figures the benchmark prints and writes. */
import type { Meter } from './metering';

export interface Sample {
  readonly ms: number;
  readonly status: number;
  readonly meter: Meter | undefined;
}

export interface OperationFigures {
  operation: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  requestsPerSecond: number;
  roundTripsPerRequest: number;
  rcuPerRequest: number;
  wcuPerRequest: number;
  /** Mean time of the request's HTTP exchanges with DynamoDB (metering.ts). */
  dynamoMs: number;
  /** Mean end-to-end latency over mean DynamoDB time. */
  latencyOverDynamo: number;
  /** Mean end-to-end latency minus mean DynamoDB time: what HTTP, gateway emulation and handler add. */
  overheadMs: number;
  /** Handler CPU per request (scripts/bench/cpu.ts). */
  cpuP50: number;
  cpuP95: number;
  /** The part of the handler CPU spent inside SDK calls (exact at 1 in flight only, metering.ts). */
  sdkCpuP50: number;
  errors: number;
}

export class Recorder {
  private readonly samples = new Map<string, Sample[]>();
  private readonly wall = new Map<string, number>();

  add(operation: string, sample: Sample): void {
    const list = this.samples.get(operation) ?? [];
    list.push(sample);
    this.samples.set(operation, list);
  }

  /** Wall-clock time spent on an operation's phase (for requests/s under concurrency). */
  addWall(operation: string, ms: number): void {
    this.wall.set(operation, (this.wall.get(operation) ?? 0) + ms);
  }

  figures(): OperationFigures[] {
    return [...this.samples].map(([operation, samples]) => {
      const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
      const mean = (pick: (s: Sample) => number) => samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
      const dynamo = mean((s) => s.meter?.dynamoMs ?? 0);
      const wall = this.wall.get(operation) ?? sorted.reduce((a, b) => a + b, 0);
      return {
        operation,
        count: samples.length,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
        requestsPerSecond: round(samples.length / (wall / 1000)),
        roundTripsPerRequest: round(mean((s) => s.meter?.calls ?? 0)),
        rcuPerRequest: round(mean((s) => s.meter?.rcu ?? 0)),
        wcuPerRequest: round(mean((s) => s.meter?.wcu ?? 0)),
        dynamoMs: round(dynamo),
        latencyOverDynamo: dynamo > 0 ? round(mean((s) => s.ms) / dynamo) : 0,
        overheadMs: round(mean((s) => s.ms) - dynamo),
        ...cpuFigures(samples),
        errors: samples.filter((s) => s.status >= 500 || s.status === 0).length,
      };
    });
  }
}

function cpuFigures(samples: readonly Sample[]): { cpuP50: number; cpuP95: number; sdkCpuP50: number } {
  const cpu = samples.map((s) => s.meter?.handlerCpuMs ?? 0).sort((a, b) => a - b);
  const sdk = samples.map((s) => s.meter?.sdkCpuMs ?? 0).sort((a, b) => a - b);
  return { cpuP50: percentile(cpu, 0.5, 3), cpuP95: percentile(cpu, 0.95, 3), sdkCpuP50: percentile(sdk, 0.5, 3) };
}

export function percentile(sorted: readonly number[], p: number, digits = 2): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0, digits);
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export function table(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0] ?? {});
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(headers.map((h) => String(r[h]))))].join('\n');
}
