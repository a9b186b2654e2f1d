/**
 * `scim-admin federation add|list|remove`: a tenant's federated credentials (workload identity
 * federation, docs/federation.md) through the same service as the admin API and tenants.json
 * (functions/federation/federated-credentials.ts), so the CLI validates exactly as they do: a JWKS
 * host outside the allow-list (SCIM_FEDERATION_JWKS_HOSTS in the CLI's environment) is refused.
 */
import {
  addFederatedCredential,
  listTenantFederatedCredentials,
  removeFederatedCredential,
} from '../functions/federation/federated-credentials';
import { serviceCall as call, tenantFlagOf, usageError } from './cli-errors';
import type { Connection } from './connection';

export interface FederationFlags {
  readonly tenant?: string;
  readonly id?: string;
  readonly 'client-id'?: string;
  readonly issuer?: string;
  readonly 'jwks-uri'?: string;
  readonly subject?: string;
  readonly audience?: readonly string[];
  readonly 'entra-tenant'?: string;
  readonly json?: boolean;
}

interface Io {
  out(line: string): void;
}

type FederationCommand = (connection: Connection, args: string[], flags: FederationFlags, io: Io) => Promise<void>;

export const federationCommands: Record<string, FederationCommand> = {
  'federation add': async ({ db }, _args, flags, io) => {
    const input = {
      ...(flags.id ? { id: flags.id } : {}),
      ...(flags['client-id'] ? { clientId: flags['client-id'] } : {}),
      issuer: flags.issuer,
      jwksUri: flags['jwks-uri'],
      subject: flags.subject,
      audiences: flags.audience ?? [],
      ...(flags['entra-tenant'] ? { tenantId: flags['entra-tenant'] } : {}),
    };
    const credential = await call(() => addFederatedCredential(db, tenantFlagOf(flags), input));
    if (flags.json) return io.out(JSON.stringify(credential, null, 2));
    io.out(`Federated credential ${credential.id} added to ${tenantFlagOf(flags)}.`);
    io.out(`Client Identifier:\t${credential.clientId}`);
    io.out('Give the customer the Tenant URL, the Token Endpoint and this Client Identifier (no secret).');
  },
  'federation list': async ({ db }, _args, flags, io) => {
    const credentials = await call(() => listTenantFederatedCredentials(db, tenantFlagOf(flags)));
    if (flags.json) return io.out(JSON.stringify(credentials, null, 2));
    for (const c of credentials) {
      io.out(
        [c.id, c.clientId, c.source, c.issuer, c.subject, c.audiences.join(','), c.tenantId ?? '', `created ${c.createdAt}`].join('\t'),
      );
    }
  },
  'federation remove': async ({ db }, [credentialId], flags, io) => {
    if (!credentialId) throw usageError('federation remove <credentialId> --tenant <tenantId>');
    await call(() => removeFederatedCredential(db, tenantFlagOf(flags), credentialId));
    io.out(
      `Federated credential ${credentialId} of ${tenantFlagOf(flags)} removed: it gets no tokens, and its tokens are refused (within the authorizer cache TTL in AWS).`,
    );
  },
};
