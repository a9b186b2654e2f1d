/**
 * An HTTP proxy in front of DynamoDB Local or moto_server, for tests of calls that no SDK
 * middleware sees (the authorizer's lean calls, functions/commons/aws-json-call.ts): it records the
 * `X-Amz-Target` of every request and, while told to, answers with a service error instead of
 * forwarding, as an outage or throttling would.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Targets received, e.g. `DynamoDB_20120810.GetItem`, in order (failed ones included). */
  readonly targets: string[];
  /** The next `count` requests get `status` with the JSON-protocol error `type`. */
  fail(count: number, status: number, type: string): void;
  stop(): Promise<void>;
}

export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const target = new URL(upstream);
  const targets: string[] = [];
  let failure = { remaining: 0, status: 500, type: '' };
  const server: Server = createServer((incoming, outgoing) => {
    targets.push(String(incoming.headers['x-amz-target'] ?? ''));
    if (failure.remaining > 0) {
      failure.remaining -= 1;
      incoming.resume();
      outgoing.writeHead(failure.status, { 'content-type': 'application/x-amz-json-1.0' });
      outgoing.end(JSON.stringify({ __type: `com.amazonaws.test#${failure.type}`, message: `injected ${failure.type}` }));
      return;
    }
    // The Host header is forwarded as signed: upstream servers here do not check it against their own.
    const forwarded = request(
      { hostname: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    targets,
    fail: (count, status, type) => {
      failure = { remaining: count, status, type };
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
