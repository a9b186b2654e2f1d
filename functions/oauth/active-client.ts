/**
 * The authorizer's revocation check (OAuth clients and federated credentials), apart from the client service (clients.ts) so the authorizer
 * imports no SDK package (store/key-reads.ts).
 */
import type { ItemReads } from '../store/db';
import { readClient, readFederatedCredential, type ClientRecord } from '../store/key-reads';

/** The active client of a verified access token; a revoked or unknown one is undefined. */
export async function readActiveClient(reads: ItemReads, tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
  const client = await readClient(reads, tenantId, clientId);
  return client?.status === 'active' ? client : undefined;
}

/**
 * Whether the client of a verified access token still exists: the OAuth client (active), or for a
 * federated client's token the federated credential (removed ones stop their tokens at once).
 */
export async function clientStillValid(reads: ItemReads, tenantId: string, clientId: string, federated: boolean): Promise<boolean> {
  if (federated) return (await readFederatedCredential(reads, tenantId, clientId)) !== undefined;
  return (await readActiveClient(reads, tenantId, clientId)) !== undefined;
}
