/**
 * The authorizer's revocation check, apart from the client service (clients.ts) so the authorizer
 * imports no SDK package (store/key-reads.ts).
 */
import type { ItemReads } from '../store/db';
import { readClient, type ClientRecord } from '../store/key-reads';

/** The active client of a verified access token; a revoked or unknown one is undefined. */
export async function readActiveClient(reads: ItemReads, tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
  const client = await readClient(reads, tenantId, clientId);
  return client?.status === 'active' ? client : undefined;
}
