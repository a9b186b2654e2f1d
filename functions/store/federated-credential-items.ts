/**
 * Federated credential items (workload identity federation, functions/federation/): one per
 * credential in the tenant's federation partition, keyed by the OAuth client id a token request
 * names (one strongly consistent GetItem at the token endpoint and in the authorizer), plus one
 * item claiming the credential's id, written and removed in the same transaction so ids stay
 * unique under concurrent writers. No secret is stored: a credential is public trust data.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { consistentReads, type Db } from './db';
import { readFederatedCredential, toFederatedCredential, type FederatedCredentialRecord } from './key-reads';
import { federationPartition, keys, sortKeyPrefix } from './keys';
import { pages, type StartKey } from './paging';
import { errorNamed } from '../commons/error-named';

export type { CredentialSource, FederatedCredentialRecord } from './key-reads';

export type NewFederatedCredential = Omit<FederatedCredentialRecord, 'createdAt'>;

/** Why a write was refused: the id or the client id is taken (by another credential). */
export class FederatedCredentialConflict extends Error {}

const isCancelled = (error: unknown) => errorNamed(error, 'TransactionCanceledException');

/**
 * Creates the credential; `replace`: a tenants.json credential of the same id and client id is
 * overwritten (its creation date kept by the caller), anything else taken is a conflict.
 */
export async function putFederatedCredential(
  db: Db,
  credential: NewFederatedCredential,
  createdAt: string,
  replace = false,
): Promise<void> {
  const { tenantId, id, clientId } = credential;
  const item = {
    ...keys.federatedCredential(tenantId, clientId),
    entity: 'FederatedCredential',
    tenantId,
    credentialId: id,
    clientId,
    issuer: credential.issuer,
    jwksUri: credential.jwksUri,
    subject: credential.subject,
    audiences: [...credential.audiences],
    ...(credential.entraTenantId !== undefined ? { entraTenantId: credential.entraTenantId } : {}),
    source: credential.source,
    createdAt,
  };
  const free = 'attribute_not_exists(PK)';
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.table,
              Item: item,
              ConditionExpression: replace ? `${free} OR (credentialId = :id AND #source = :config)` : free,
              ...(replace
                ? { ExpressionAttributeValues: { ':id': id, ':config': 'config' }, ExpressionAttributeNames: { '#source': 'source' } }
                : {}),
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: { ...keys.federatedCredentialId(tenantId, id), entity: 'FederatedCredentialId', tenantId, clientId },
              ConditionExpression: replace ? `${free} OR clientId = :client` : free,
              ...(replace ? { ExpressionAttributeValues: { ':client': clientId } } : {}),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (isCancelled(error)) throw new FederatedCredentialConflict(`credential id "${id}" or client id "${clientId}" is taken`);
    throw error;
  }
}

export const getFederatedCredential = (db: Db, tenantId: string, clientId: string): Promise<FederatedCredentialRecord | undefined> =>
  readFederatedCredential(consistentReads(db), tenantId, clientId);

/** The client id of the credential with this id, if there is one. */
export async function clientIdOfCredential(db: Db, tenantId: string, credentialId: string): Promise<string | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: keys.federatedCredentialId(tenantId, credentialId), ConsistentRead: true }),
  );
  return typeof Item?.clientId === 'string' ? Item.clientId : undefined;
}

export async function listFederatedCredentials(db: Db, tenantId: string): Promise<FederatedCredentialRecord[]> {
  const credentials: FederatedCredentialRecord[] = [];
  const read = async (start: StartKey | undefined) => {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': federationPartition(tenantId), ':prefix': sortKeyPrefix.federatedClient },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
  };
  for await (const page of pages(read)) for (const item of page.items) credentials.push(toFederatedCredential(item));
  return credentials;
}

/** Removes the credential and its id claim; false when no credential of that id and client id exists. */
export async function deleteFederatedCredential(db: Db, tenantId: string, credentialId: string, clientId: string): Promise<boolean> {
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.table,
              Key: keys.federatedCredential(tenantId, clientId),
              ConditionExpression: 'credentialId = :id',
              ExpressionAttributeValues: { ':id': credentialId },
            },
          },
          {
            Delete: {
              TableName: db.table,
              Key: keys.federatedCredentialId(tenantId, credentialId),
              ConditionExpression: 'clientId = :client',
              ExpressionAttributeValues: { ':client': clientId },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isCancelled(error)) return false;
    throw error;
  }
}
