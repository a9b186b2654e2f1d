/**
 * Stream records → signed SETs in the outbox of every event stream that asks for them
 * (docs/events.md). Records are handled in order; a record whose outbox writes fail is reported as
 * the batch's first failure, so the stream is retried from it (writes already made are kept: a SET is
 * written once per jti). Only the changed resource's own tenant's streams are read.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { environment } from '../commons/environment';
import type { AccessTokenSigner } from '../signing/signer';
import type { Db } from '../store/db';
import { putPendingSet } from '../store/outbox-items';
import { listEventStreams, type StoredEventStream } from '../store/event-stream-items';
import { signSet } from './set-signer';
import { setsForStream, tenantOfChange } from './stream-sets';
import { deltaChunksOfWrite } from '../store/group-deltas';
import { itemChangeOf } from './stream';

export interface OutboxWriterDeps {
  readonly db: () => Db;
  readonly signer: () => AccessTokenSigner;
  readonly log?: (line: string) => void;
}

export function outboxWriter(deps: OutboxWriterDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const db = deps.db();
    const issuer = environment.ssfIssuer();
    // One read of a tenant's streams per batch.
    const streams = new Map<string, Promise<StoredEventStream[]>>();
    const streamsOf = (tenantId: string) => {
      let found = streams.get(tenantId);
      if (!found) streams.set(tenantId, (found = listEventStreams(db, tenantId)));
      return found;
    };
    for (const record of event.Records) {
      try {
        const change = itemChangeOf(record);
        const tenantId = change ? tenantOfChange(change) : undefined;
        if (!change || !tenantId) continue;
        const tenantStreams = await streamsOf(tenantId);
        // A large group write's member delta: its chunks read once for all the tenant's streams.
        const chunks = tenantStreams.length > 0 ? await deltaChunksOfWrite(db, change.newImage, change.oldImage) : undefined;
        const delta = chunks ? { chunks } : undefined;
        await Promise.all(
          tenantStreams.map(async (stream) => {
            for (const set of setsForStream(change, stream, issuer, Date.now(), delta)) {
              await putPendingSet(db, {
                tenantId,
                streamId: stream.streamId,
                jti: set.claims.jti,
                set: await signSet(deps.signer(), set.claims),
                resource: set.resource,
                version: set.version,
                chunk: set.chunk,
                attempts: 0,
                nextAttemptAt: 0,
                expiresAt: Math.floor(Date.now() / 1000) + stream.retentionDays * 86_400,
              });
            }
          }),
        );
      } catch (error) {
        deps.log?.(`event outbox: ${error instanceof Error ? error.name : 'failure'}`);
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
