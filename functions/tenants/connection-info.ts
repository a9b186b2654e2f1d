/**
 * What the customer's IT admin pastes into its identity provider, in each provider's own words:
 * Entra's provisioning page (Admin Credentials: Tenant URL and Secret Token, or for "OAuth2 client
 * credentials grant" Tenant URL, Token Endpoint, Client Identifier and Client Secret) and Okta's
 * SCIM app settings (SCIM connector base URL, Unique identifier field for users, Supported
 * provisioning actions, Authentication Mode). Secrets are never echoed: the answer says how to issue one.
 * For workload identity federation (Entra's "Workload Identity based authentication", docs/federation.md)
 * the fields the customer enters and, per federated credential, the values the customer's Entra showed
 * that the vendor trusts: no secret exists there at all.
 */
import { listTenantClients } from '../credentials/client-service';
import { listTenantFederatedCredentials } from '../federation/federated-credentials';
import { AUTHORIZATION_SERVER_METADATA_PATHS, TENANT_BASE_PATH, TOKEN_ENDPOINT_PATH } from '../routes';
import type { Db } from '../store/db';
import { readTenant } from './tenant-service';

/** A federated credential as the connection answer shows it (what federation/federated-credentials.ts lists). */
export interface TrustedCredential {
  readonly id: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  readonly tenantId?: string;
}

export const WORKLOAD_IDENTITY_METHOD = 'Workload Identity based authentication';

export interface ConnectionInfo {
  readonly tenantUrl: string;
  readonly entra: {
    readonly secretToken: { readonly 'Tenant URL': string; readonly 'Secret Token': string };
    readonly oauth2ClientCredentialsGrant: {
      readonly 'Tenant URL': string;
      readonly 'Token Endpoint': string;
      readonly 'Client Identifier': string;
      readonly 'Client Secret': string;
    };
  };
  /** Empty `credentials`: WIF is not set up for the tenant (add a federated credential). */
  readonly workloadIdentity: {
    readonly authenticationMethod: typeof WORKLOAD_IDENTITY_METHOD;
    readonly tenantUrl: string;
    readonly tokenEndpoint: string;
    readonly metadata: string;
    readonly credentials: readonly {
      readonly id: string;
      readonly clientIdentifier: string;
      readonly issuer: string;
      readonly subject: string;
      readonly audiences: readonly string[];
      readonly tenantId?: string;
    }[];
  };
  readonly okta: {
    readonly 'SCIM connector base URL': string;
    readonly 'Unique identifier field for users': 'userName';
    readonly 'Supported provisioning actions': readonly string[];
    readonly 'Authentication Mode': string;
  };
}

export const OKTA_PROVISIONING_ACTIONS = [
  'Import New Users and Profile Updates',
  'Push New Users',
  'Push Profile Updates',
  'Push Groups',
] as const;

/** The tenant's connection values (NotFound for an unknown tenant): the admin API's and `scim-admin connection`'s one source. */
export async function readConnection(db: Db, apiUrl: string, tenantId: string): Promise<ConnectionInfo> {
  const tenant = await readTenant(db, tenantId);
  const [clients, federated] = await Promise.all([listTenantClients(db, tenant.id), listTenantFederatedCredentials(db, tenant.id)]);
  const active = clients.filter((c) => c.status === 'active').map((c) => c.clientId);
  return connectionInfo(apiUrl, tenant.id, active, federated);
}

function connectionInfo(
  apiUrl: string,
  tenantId: string,
  clientIds: readonly string[],
  federated: readonly TrustedCredential[],
): ConnectionInfo {
  const tenantUrl = apiUrl + TENANT_BASE_PATH.replace('{tenantId}', tenantId);
  const tokenEndpoint = apiUrl + TOKEN_ENDPOINT_PATH.replace('{tenantId}', tenantId);
  const admin = `${apiUrl}/admin/v1/tenants/${tenantId}`;
  const issueToken = `issue one with POST ${admin}/tokens (shown once)`;
  return {
    tenantUrl,
    entra: {
      secretToken: { 'Tenant URL': tenantUrl, 'Secret Token': issueToken },
      oauth2ClientCredentialsGrant: {
        'Tenant URL': tenantUrl,
        'Token Endpoint': tokenEndpoint,
        'Client Identifier': clientIds.length > 0 ? clientIds.join(' or ') : `create a client with POST ${admin}/oauth-clients`,
        'Client Secret': `issue one with POST ${admin}/oauth-clients/{clientId}/secrets (shown once)`,
      },
    },
    workloadIdentity: {
      authenticationMethod: WORKLOAD_IDENTITY_METHOD,
      tenantUrl,
      tokenEndpoint,
      metadata: apiUrl + (AUTHORIZATION_SERVER_METADATA_PATHS[1] ?? '').replace('{tenantId}', tenantId),
      credentials: federated.map((c) => ({
        id: c.id,
        clientIdentifier: c.clientId,
        issuer: c.issuer,
        subject: c.subject,
        audiences: c.audiences,
        ...(c.tenantId !== undefined ? { tenantId: c.tenantId } : {}),
      })),
    },
    okta: {
      'SCIM connector base URL': tenantUrl,
      'Unique identifier field for users': 'userName',
      'Supported provisioning actions': OKTA_PROVISIONING_ACTIONS,
      'Authentication Mode': `HTTP Header (Authorization: Bearer <token>; ${issueToken})`,
    },
  };
}
