/**
 * What both event-stream benches (event-delivery-rate.ts: how fast, events.ts: what it costs) do to
 * their tenant on the local stack: create users one after another over HTTP, open a poll stream
 * (RFC 8936) and ask it for SETs. One copy, so the two sections measure the same traffic.
 */
import { createStream } from '../../functions/events/stream-service';
import { POLL_METHOD } from '../../functions/events/stream-config';
import type { Db } from '../../functions/store/db';
import type { LocalStack } from '../../local/server';

/** POSTs `users` users in turn (`<prefix>.<i>@<tenant>.example`); `created` hears each id as its 201 arrives. */
export async function createUsers(
  stack: LocalStack,
  tenant: { readonly tenantId: string; readonly token: string },
  prefix: string,
  users: number,
  created: (id: string) => void = () => undefined,
): Promise<void> {
  for (let i = 0; i < users; i += 1) {
    const response = await fetch(`${stack.tenantUrl(tenant.tenantId)}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tenant.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${prefix}.${i}@${tenant.tenantId}.example`,
      }),
    });
    if (response.status !== 201) throw new Error(`create answered ${response.status}`);
    created(((await response.json()) as { id: string }).id);
  }
}

export interface PollStream {
  readonly url: string;
  readonly credential: string;
}

/** A poll stream on the tenant: where to poll, with the credential shown once at creation. */
export async function createPollStream(db: Db, tenantId: string, streamId: string): Promise<PollStream> {
  const created = await createStream(db, tenantId, { stream_id: streamId, delivery: { method: POLL_METHOD } });
  return { url: (created.stream.delivery as { endpoint_url: string }).endpoint_url, credential: String(created.pollCredential) };
}

/** One poll request: up to 100 SETs (by jti), acknowledging `ack`; `returnImmediately: false` waits for SETs a while. */
export async function pollSets(stream: PollStream, ack: readonly string[], returnImmediately: boolean): Promise<Record<string, string>> {
  const response = await fetch(stream.url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stream.credential}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ maxEvents: 100, returnImmediately, ack }),
  });
  return ((await response.json()) as { sets: Record<string, string> }).sets;
}
