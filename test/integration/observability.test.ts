/**
 * One structured log line and one EMF record per request, with tenantId, requestId, operation,
 * status and latency; tenant in metadata, not a dimension; no token and no attribute values.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { USER } from '../support/urns';

process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let stack: TestStack;
const written: string[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  stack = await startTestStack({ tenants: ['acme'] });
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (originalWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
});
afterAll(async () => {
  process.stdout.write = originalWrite;
  await stack.stop();
});

const records = () =>
  written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);

describe('observability', () => {
  it('logs and measures each request without secrets or PII', async () => {
    const created = await stack.request('acme', 'POST', '/Users', {
      schemas: [USER],
      userName: 'private.person@example.com',
      displayName: 'Private Person',
    });
    expect(created.status).toBe(201);
    const missing = await stack.request('acme', 'GET', '/Users/does-not-exist');
    expect(missing.status).toBe(404);

    const logs = records().filter((r) => r.message === 'request');
    expect(logs).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        operation: 'POST /Users',
        status: 201,
        requestId: expect.any(String),
        latencyMs: expect.any(Number),
      }),
      expect.objectContaining({ tenantId: 'acme', operation: 'GET /Users/{id}', status: 404 }),
    ]);
    const emf = records().filter((r) => r._aws);
    expect(emf).toHaveLength(2);
    for (const record of emf) {
      expect(record.tenantId).toBe('acme');
      const dimensions = (record._aws.CloudWatchMetrics as Json[])[0]?.Dimensions as string[][];
      expect(dimensions.flat()).not.toContain('tenantId');
      expect(dimensions.flat()).toEqual(expect.arrayContaining(['operation', 'statusClass']));
    }
    const everything = written.join('');
    expect(everything).not.toContain(stack.token('acme'));
    expect(everything).not.toContain('private.person');
    expect(everything).not.toContain('Private Person');
  });
});
