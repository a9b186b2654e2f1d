/**
 * A real RFC 8935 receiver on loopback for the event-stream tests: it records every POST (headers and
 * body) and answers what the test's `answer` function says (202 by default).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
  readonly at: number;
}

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

export interface SetReceiver {
  readonly url: string;
  readonly received: ReceivedPush[];
  /** Bodies answered 2xx, in order of arrival. */
  readonly accepted: string[];
  /** May answer later (a promise): the push stays in flight until it settles. */
  answer: (push: ReceivedPush, index: number) => Answer | Promise<Answer>;
  stop(): Promise<void>;
}

const read = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startSetReceiver(path = '/events'): Promise<SetReceiver> {
  const receiver = {
    received: [] as ReceivedPush[],
    accepted: [] as string[],
    answer: (() => ({ status: 202 })) as SetReceiver['answer'],
  };
  const server: Server = createServer((req, res) => {
    void read(req).then(async (body) => {
      const push: ReceivedPush = {
        contentType: req.headers['content-type'],
        accept: req.headers.accept,
        authorization: req.headers.authorization,
        body,
        at: Date.now(),
      };
      const index = receiver.received.push(push) - 1;
      const answer = await receiver.answer(push, index);
      if (answer.status >= 200 && answer.status < 300) receiver.accepted.push(body);
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, text ? { 'Content-Type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** Waits (polling every 50 ms, up to `ms`) until `done()` holds; throws with `what` otherwise. */
export async function until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
