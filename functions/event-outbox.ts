/** Lambda entry: the table's stream → signed SETs in the event streams' outboxes (functions/events/outbox-writer.ts). */
import { logger } from './commons/logger';
import { outboxWriter } from './events/outbox-writer';
import { eventSigner } from './events/set-signer';
import { defaultDb } from './store/db';

export const handler = outboxWriter({ db: defaultDb, signer: eventSigner, log: (line) => logger.error(line) });
