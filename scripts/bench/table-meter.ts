/**
 * A metering proxy in front of DynamoDB Local for the benchmark: every call of every client in the
 * process (handlers, stream consumers, the stream poller) passes through it, so what a feature costs
 * is counted on the wire rather than estimated. Each request is asked for its consumed capacity
 * (ReturnConsumedCapacity: TOTAL is added to the body; DynamoDB Local checks no signature) and filed
 * under the partition family its keys name (`family`), e.g. the event streams' `EVENTS#…` and
 * `EVENT_STREAMS` partitions. Streams API calls (GetRecords …) are counted apart: Lambda's reads of a
 * table stream cost nothing in AWS.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FamilyFigures {
  /** Calls whose keys all fall in the family, by operation. */
  readonly calls: Record<string, number>;
  /** Items read or written in those calls (a transaction's or batch's items counted one by one). */
  items: number;
  readCapacity: number;
  writeCapacity: number;
}

export interface TableMeter {
  readonly endpoint: string;
  /** A copy of the figures so far, by family (`other` for calls outside every family, `streams` for the Streams API). */
  snapshot(): Record<string, FamilyFigures>;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
/** The partition-key values a request names (Key, Item, transaction and batch items, key-condition values). */
function partitionKeys(body: Json): string[] {
  const keys: string[] = [];
  const pk = (item: unknown) => {
    const value = (item as { PK?: { S?: string } } | undefined)?.PK?.S;
    if (value) keys.push(value);
  };
  pk(body.Key);
  pk(body.Item);
  for (const entry of (body.TransactItems as Json[] | undefined) ?? []) {
    for (const action of Object.values(entry) as Json[]) pk(action.Key ?? action.Item);
  }
  for (const requests of Object.values((body.RequestItems as Record<string, unknown> | undefined) ?? {})) {
    if (Array.isArray(requests)) {
      for (const r of requests as Json[]) pk((r.PutRequest as Json | undefined)?.Item ?? (r.DeleteRequest as Json | undefined)?.Key);
    } else for (const key of ((requests as Json).Keys as Json[] | undefined) ?? []) pk(key);
  }
  if (typeof body.KeyConditionExpression === 'string') {
    for (const value of Object.values((body.ExpressionAttributeValues as Record<string, { S?: string }> | undefined) ?? {})) {
      if (value.S) keys.push(value.S);
    }
  }
  return keys;
}

const itemCount = (body: Json, response: Json): number =>
  Array.isArray(body.TransactItems)
    ? body.TransactItems.length
    : body.RequestItems
      ? Object.values(body.RequestItems as Record<string, unknown>).reduce<number>(
          (sum, r) => sum + (Array.isArray(r) ? r.length : (((r as Json).Keys as unknown[] | undefined)?.length ?? 0)),
          0,
        )
      : typeof response.Count === 'number'
        ? response.Count
        : 1;

const CAPACITY_OPERATIONS =
  /^(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactWriteItems|TransactGetItems)$/;
const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/** `family(pk)` names the family of one partition key, or undefined; a call is filed under a family only if all its keys are. */
export async function startTableMeter(upstream: string, family: (pk: string) => string | undefined): Promise<TableMeter> {
  const target = new URL(upstream);
  const figures: Record<string, FamilyFigures> = {};
  const figuresOf = (name: string) => (figures[name] ??= { calls: {}, items: 0, readCapacity: 0, writeCapacity: 0 });

  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const [service, operation = ''] = String(incoming.headers['x-amz-target'] ?? '').split('.');
      let body = await readAll(incoming);
      let parsed: Json = {};
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}') as Json;
      } catch {
        // Not JSON: forwarded as it came, filed under `other`.
      }
      if (CAPACITY_OPERATIONS.test(operation)) body = Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }));
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
        const forwarded = request(
          {
            hostname: target.hostname,
            port: target.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, 'content-length': String(body.length) },
          },
          (response) =>
            void readAll(response).then((b) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: b }), reject),
        );
        forwarded.on('error', reject);
        forwarded.end(body);
      });
      let response: Json = {};
      try {
        response = JSON.parse(answer.body.toString('utf8') || '{}') as Json;
      } catch {
        // An answer that is not JSON counts as a call only.
      }
      // A key condition's other values (sort-key prefixes) name no family: a Query goes by the one that does.
      const named = partitionKeys(parsed).map(family);
      const families = new Set(typeof parsed.KeyConditionExpression === 'string' ? named.filter(Boolean) : named);
      const name = service?.startsWith('DynamoDBStreams')
        ? 'streams'
        : families.size === 1 && !families.has(undefined)
          ? ([...families][0] as string)
          : 'other';
      const entry = figuresOf(name);
      entry.calls[operation] = (entry.calls[operation] ?? 0) + 1;
      entry.items += itemCount(parsed, response);
      for (const capacity of [response.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[]) {
        if (WRITES.test(operation)) entry.writeCapacity += capacity.CapacityUnits ?? 0;
        else entry.readCapacity += capacity.CapacityUnits ?? 0;
      }
      outgoing.writeHead(answer.status, answer.headers);
      outgoing.end(answer.body);
    })().catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    snapshot: () => JSON.parse(JSON.stringify(figures)) as Record<string, FamilyFigures>,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
