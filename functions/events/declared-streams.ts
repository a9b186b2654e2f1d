/**
 * Event streams declared in tenants.json, applied on start (local server) or deploy: a declared
 * stream that does not exist is created (a poll stream's credential is returned, to be kept where the
 * caller keeps secrets); one that exists is updated to the declaration. Streams added by the CLI or
 * the admin API are left alone: the file only adds and changes what it names.
 */
import type { Db } from '../store/db';
import { getEventStream } from '../store/event-stream-items';
import type { DeclaredStream } from './stream-config';
import { createStream, updateStream } from './stream-service';

/** Returns the poll credentials of the poll streams it created, by stream id. */
export async function applyDeclaredStreams(db: Db, tenantId: string, declared: readonly DeclaredStream[]): Promise<Record<string, string>> {
  const credentials: Record<string, string> = {};
  for (const stream of declared) {
    if (await getEventStream(db, tenantId, stream.stream_id)) {
      const { stream_id: _id, ...update } = stream;
      await updateStream(db, tenantId, stream.stream_id, update);
      continue;
    }
    const created = await createStream(db, tenantId, stream);
    if (created.pollCredential) credentials[stream.stream_id] = created.pollCredential;
  }
  return credentials;
}
