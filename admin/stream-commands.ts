/**
 * `scim-admin streams add|list|rotate|remove|redrive|dead`: a tenant's event streams (docs/events.md) through
 * the same stream service as the admin API and tenants.json. A push stream's Authorization header is
 * read from a file (never a command-line argument, which other users of the machine can see) and never
 * printed; a poll stream's credential is printed once, by `streams add` or `streams rotate` (a new one,
 * replacing the old: the first of a poll stream a deploy created from tenants.json).
 */
import { readFile } from 'node:fs/promises';
import { POLL_METHOD, PUSH_METHOD } from '../functions/events/stream-config';
import {
  createStream,
  deadLetters,
  deleteStream,
  issuePollCredential,
  listStreams,
  redriveStream,
  StreamError,
  type CreatedStream,
} from '../functions/events/stream-service';
import type { Connection } from './connection';
import { isServiceError } from '../functions/commons/service-errors';
import { AdminError, EXIT, notFoundError, tenantFlagOf, usageError } from './cli-errors';

export interface StreamFlags {
  readonly tenant?: string;
  readonly push?: string;
  readonly poll?: boolean;
  readonly 'authorization-file'?: string;
  readonly id?: string;
  readonly form?: string;
  readonly events?: string;
  readonly aud?: string;
  readonly json?: boolean;
}

interface Io {
  out(line: string): void;
}

type StreamCommand = (connection: Connection, args: string[], flags: StreamFlags, io: Io) => Promise<void>;

const streamIdOf = (id: string | undefined): string => {
  if (!id) throw usageError('give the stream id');
  return id;
};

/** Service refusals as exit codes: 404 not found (3), 400/409 (a tenant being deleted too) failed (1) with the reason. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StreamError)
      throw error.status === 404 ? notFoundError(error.message) : new AdminError(error.message, EXIT.failed);
    // Any other refusal (a tenant being deleted: invalid-state) fails (1) with its reason.
    if (isServiceError(error)) throw new AdminError(error.message, EXIT.failed);
    throw error;
  }
}

async function deliveryOf(flags: StreamFlags): Promise<Record<string, unknown>> {
  if (Boolean(flags.push) === Boolean(flags.poll)) throw usageError('give exactly one of --push <url> and --poll');
  if (flags.poll) return { method: POLL_METHOD };
  const header = flags['authorization-file'] ? (await readFile(flags['authorization-file'], 'utf8')).trim() : undefined;
  return { method: PUSH_METHOD, endpoint_url: flags.push, ...(header ? { authorization_header: header } : {}) };
}

/** The stream, then its poll credential when it has a new one: printed this once. */
function showOnce(io: Io, { stream, pollCredential }: CreatedStream): void {
  io.out(JSON.stringify(stream, null, 2));
  if (!pollCredential) return;
  io.out(`Poll credential (shown once; the receiver sends it as "Authorization: Bearer <credential>"):`);
  io.out(pollCredential);
}

export const streamCommands: Record<string, StreamCommand> = {
  'streams add': async ({ db }, _args, flags, io) => {
    const body = {
      ...(flags.id ? { stream_id: flags.id } : {}),
      delivery: await deliveryOf(flags),
      ...(flags.form ? { form: flags.form } : {}),
      ...(flags.events ? { events_requested: flags.events.split(',').map((uri) => uri.trim()) } : {}),
      ...(flags.aud ? { aud: flags.aud } : {}),
    };
    showOnce(io, await mapped(() => createStream(db, tenantFlagOf(flags), body)));
  },
  'streams rotate': async ({ db }, [id], flags, io) => {
    showOnce(io, await mapped(() => issuePollCredential(db, tenantFlagOf(flags), streamIdOf(id))));
  },
  'streams list': async ({ db }, _args, flags, io) => {
    const streams = await mapped(() => listStreams(db, tenantFlagOf(flags)));
    if (flags.json) return io.out(JSON.stringify(streams, null, 2));
    for (const s of streams) {
      const delivery = s.delivery as { method: string; endpoint_url: string };
      io.out(`${String(s.stream_id)}\t${delivery.method === PUSH_METHOD ? 'push' : 'poll'}\t${delivery.endpoint_url}\t${String(s.form)}`);
    }
  },
  'streams remove': async ({ db }, [id], flags, io) => {
    await mapped(() => deleteStream(db, tenantFlagOf(flags), streamIdOf(id)));
    io.out(`Stream ${String(id)} removed; its undelivered SETs expire with its retention.`);
  },
  'streams dead': async ({ db }, [id], flags, io) => {
    const dead = await mapped(() => deadLetters(db, tenantFlagOf(flags), streamIdOf(id), flags.json === true));
    if (flags.json) return io.out(JSON.stringify(dead, null, 2));
    for (const d of dead) io.out(`${String(d.jti)}\t${String(d.resource)}\t${JSON.stringify(d.error)}`);
  },
  'streams redrive': async ({ db }, [id], flags, io) => {
    const count = await mapped(() => redriveStream(db, tenantFlagOf(flags), streamIdOf(id)));
    io.out(`${count} dead letter(s) of stream ${String(id)} back to delivery.`);
  },
};
