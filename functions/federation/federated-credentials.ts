/**
 * The federated credential service: every writer (tenants.json at start and onboarding, the admin
 * API, `scim-admin federation`) adds, lists and removes a tenant's federated credentials here, and
 * the token endpoint finds the one a `client_id` names. Input is validated by the one schema
 * (credential-schema.ts); a JWKS host outside the allow-list is refused here, before it is stored.
 * Mistakes are the admin services' errors (commons/service-errors.ts): InvalidInput naming the path,
 * NotFound, AlreadyExists, LimitReached. The token endpoint reads credentials from the store directly
 * (store/federated-credential-items.ts), so its bundle carries none of this.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { AlreadyExists, InvalidInput, LimitReached, NotFound } from '../commons/service-errors';
import { servedTenant } from '../commons/served-tenant';
import type { Db } from '../store/db';
import {
  clientIdOfCredential,
  deleteFederatedCredential,
  FederatedCredentialConflict,
  listFederatedCredentials,
  putFederatedCredential,
  type CredentialSource,
  type FederatedCredentialRecord,
} from '../store/federated-credential-items';
import { getTenant } from '../store/tenants';
import {
  federatedCredentialInputSchema,
  MAX_FEDERATED_CREDENTIALS,
  type DeclaredFederatedCredential,
  type FederatedCredential,
} from './credential-schema';

/** What the admin API and the CLI show: the declaration plus where it came from and when. */
export interface FederatedCredentialView extends FederatedCredential {
  readonly source: CredentialSource;
  readonly createdAt: string;
}

export function viewOf(record: FederatedCredentialRecord): FederatedCredentialView {
  return {
    id: record.id,
    clientId: record.clientId,
    issuer: record.issuer,
    jwksUri: record.jwksUri,
    subject: record.subject,
    audiences: record.audiences,
    ...(record.entraTenantId !== undefined ? { tenantId: record.entraTenantId } : {}),
    source: record.source,
    createdAt: record.createdAt,
  };
}

/** `audiences[0]` from a zod issue path. */
const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );

const invalidInput = (issues: readonly z.core.$ZodIssue[]) =>
  new InvalidInput(issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })));

async function requireTenant(db: Db, tenantId: string): Promise<void> {
  servedTenant(await getTenant(db, tenantId), tenantId);
}

const toRecord = (tenantId: string, credential: FederatedCredential, source: CredentialSource) => ({
  tenantId,
  id: credential.id,
  clientId: credential.clientId,
  issuer: credential.issuer,
  jwksUri: credential.jwksUri,
  subject: credential.subject,
  audiences: credential.audiences,
  ...(credential.tenantId !== undefined ? { entraTenantId: credential.tenantId } : {}),
  source,
});

/** A new credential from the admin API or the CLI; `id` and `clientId` are generated when absent. */
export async function addFederatedCredential(db: Db, tenantId: string, input: unknown): Promise<FederatedCredentialView> {
  const parsed = federatedCredentialInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error.issues);
  await requireTenant(db, tenantId);
  if ((await listFederatedCredentials(db, tenantId)).length >= MAX_FEDERATED_CREDENTIALS) {
    throw new LimitReached(`tenant ${tenantId} has ${MAX_FEDERATED_CREDENTIALS} federated credentials already`);
  }
  const credential: FederatedCredential = {
    ...parsed.data,
    id: parsed.data.id ?? randomUUID(),
    clientId: parsed.data.clientId ?? randomBytes(18).toString('base64url'),
  };
  const createdAt = new Date().toISOString();
  try {
    await putFederatedCredential(db, toRecord(tenantId, credential, 'admin'), createdAt);
  } catch (error) {
    if (error instanceof FederatedCredentialConflict) throw new AlreadyExists(error.message);
    throw error;
  }
  return { ...credential, source: 'admin', createdAt };
}

export async function listTenantFederatedCredentials(db: Db, tenantId: string): Promise<FederatedCredentialView[]> {
  await requireTenant(db, tenantId);
  return (await listFederatedCredentials(db, tenantId)).map(viewOf);
}

/** The credential stops working at once: new token requests and the access tokens it got. */
export async function removeFederatedCredential(db: Db, tenantId: string, credentialId: string): Promise<void> {
  const clientId = await clientIdOfCredential(db, tenantId, credentialId);
  if (!clientId || !(await deleteFederatedCredential(db, tenantId, credentialId, clientId))) {
    throw new NotFound(`no federated credential "${credentialId}" in tenant ${tenantId}`);
  }
}

/**
 * Makes the tenant's tenants.json credentials exactly `declared` (validated already, by
 * tenants/tenants-file.ts): removed or changed ones go, declared ones are written. Credentials added
 * through the admin API or the CLI are left alone; a declared id or client id they hold is a conflict.
 */
export async function syncDeclaredFederatedCredentials(
  db: Db,
  tenantId: string,
  declared: readonly DeclaredFederatedCredential[],
): Promise<void> {
  const existing = (await listFederatedCredentials(db, tenantId)).filter((credential) => credential.source === 'config');
  const wanted = new Map(declared.map((credential) => [credential.id, credential]));
  for (const credential of existing) {
    if (wanted.get(credential.id)?.clientId !== credential.clientId) {
      await deleteFederatedCredential(db, tenantId, credential.id, credential.clientId);
    }
  }
  const created = new Map(existing.map((credential) => [credential.id, credential.createdAt]));
  for (const credential of declared) {
    try {
      await putFederatedCredential(
        db,
        toRecord(tenantId, credential, 'config'),
        created.get(credential.id) ?? new Date().toISOString(),
        true,
      );
    } catch (error) {
      if (error instanceof FederatedCredentialConflict) {
        throw new AlreadyExists(
          `tenant "${tenantId}": federatedCredentials "${credential.id}": ${error.message} by a credential added through the admin API`,
        );
      }
      throw error;
    }
  }
}
