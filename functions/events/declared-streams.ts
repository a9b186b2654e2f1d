/**
 * Event streams declared in tenants.json, applied on start (local server) or deploy: a declared
 * stream that does not exist is created; one that exists is updated to the declaration. Streams added
 * by the CLI or the admin API are left alone: the file only adds and changes what it names. A new poll
 * stream's credential is returned (`'issue'`, npm start keeps it in a file), or not made at all
 * (`'later'`, a deploy: nowhere to show it once; the admin API or `scim-admin streams rotate` issues it).
 */
import type { Db } from '../store/db';
import { getEventStream } from '../store/event-stream-items';
import type { DeclaredStream } from './stream-config';
import { createStream, updateStream } from './stream-service';

/** Returns the poll credentials of the poll streams it created, by stream id. */
export async function applyDeclaredStreams(
  db: Db,
  tenantId: string,
  declared: readonly DeclaredStream[],
  pollCredential: 'issue' | 'later' = 'issue',
): Promise<Record<string, string>> {
  const credentials: Record<string, string> = {};
  for (const stream of declared) {
    if (await getEventStream(db, tenantId, stream.stream_id)) {
      const { stream_id: _id, ...update } = stream;
      await updateStream(db, tenantId, stream.stream_id, update);
      continue;
    }
    const created = await createStream(db, tenantId, stream, { pollCredential });
    if (created.pollCredential) credentials[stream.stream_id] = created.pollCredential;
  }
  return credentials;
}
