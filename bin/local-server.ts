/**
 * `npm start`: the SCIM API on this machine, on DynamoDB Local.
 *
 *   PORT                           HTTP port (default 8080)
 *   SCIM_LISTEN_HOST               interface to listen on (default 127.0.0.1: this machine only;
 *                                  0.0.0.0 exposes the server to the network). DynamoDB Local
 *                                  always listens on 127.0.0.1 only.
 *   SCIM_DATA_DIR                  data folder (default ./.data): DynamoDB files, generated tokens
 *   SCIM_LOCAL_TENANTS             "acme=<token>,contoso=<token>"; unset: a tenant `dev`
 *   SCIM_LOCAL_OAUTH_CLIENTS       "acme=<clientId>:<clientSecret>,..."; unset: one client for `dev`
 *   SCIM_TENANTS_FILE              tenant settings (default ./tenants.json, optional)
 *   SCIM_AUTHORIZER_CACHE_SECONDS  authorizer result cache TTL (default 0)
 *   SCIM_EVENTS                    change events: file (<dataDir>/events.jsonl, default), print, off
 *   SCIM_LOCAL_ADMIN_KEY           the admin API's key (scimadm_ + 43 base64url characters); unset:
 *                                  generated once into <dataDir>/admin-key
 *
 * This console is the one place a token is printed: it is how a developer gets the local token to
 * paste into a SCIM client.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { localOAuthClients, localTenants } from '../local/local-tenants';
import { eventsModeFromEnv, localEventSink } from '../local/event-sinks';
import type { EventSink } from '../functions/events/publish';
import type { LocalOAuthClient, LocalTenant } from '../local/seed';
import { DEFAULT_PORT } from '../local/data-folder';
import { startLocalStack, type LocalStack } from '../local/server';
import { environment } from '../functions/commons/environment';

const eventSinkOption = (sink: EventSink | undefined) => (sink ? { eventSink: sink } : {});

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

function printTenants(stack: LocalStack, tenants: readonly LocalTenant[], clients: readonly LocalOAuthClient[]): void {
  const exposed =
    stack.host.startsWith('127.') || stack.host === '::1' || stack.host === 'localhost'
      ? ''
      : ` — bound to ${stack.host}: reachable from the network`;
  console.log(`\nSCIM server listening on ${stack.url}${exposed} (DynamoDB Local at ${stack.dynamoEndpoint})`);
  for (const tenant of tenants) {
    console.log(`\n  Tenant ${tenant.tenantId}${tenant.displayName ? ` (${tenant.displayName})` : ''}`);
    console.log(`    Tenant URL:   ${stack.tenantUrl(tenant.tenantId)}`);
    console.log(`    Secret Token: ${tenant.token}`);
    for (const client of clients.filter((c) => c.tenantId === tenant.tenantId)) {
      console.log(`    OAuth 2.0 client credentials:`);
      console.log(`      Token URL:     ${stack.tokenUrl(tenant.tenantId)}`);
      console.log(`      Client ID:     ${client.clientId}`);
      console.log(`      Client Secret: ${client.clientSecret}`);
    }
  }
  console.log(`\n  Admin API:      ${stack.adminUrl}  (docs/admin-api.md; OpenAPI at ${stack.adminUrl}/openapi.json)`);
  console.log(`    Admin key:    ${stack.adminKey}   (Authorization: Bearer <admin key>)`);
  console.log('\nPress Ctrl+C to stop.\n');
}

function stopOnSignals(stack: LocalStack): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

try {
  const dataDir = resolve(process.env.SCIM_DATA_DIR ?? '.data');
  await mkdir(dataDir, { recursive: true });
  const tenants = await localTenants({
    localTenants: process.env.SCIM_LOCAL_TENANTS || undefined,
    tenantsFile: resolve(process.env.SCIM_TENANTS_FILE ?? 'tenants.json'),
    dataDir,
  });
  const oauthClients = await localOAuthClients(process.env.SCIM_LOCAL_OAUTH_CLIENTS || undefined, tenants, dataDir);
  const stack = await startLocalStack({
    port: portFromEnv(process.env.PORT),
    ...(process.env.SCIM_LISTEN_HOST ? { host: process.env.SCIM_LISTEN_HOST } : {}),
    dataDir,
    tenants,
    oauthClients,
    ...(process.env.SCIM_LOCAL_ADMIN_KEY ? { adminKey: process.env.SCIM_LOCAL_ADMIN_KEY } : {}),
    ...eventSinkOption(localEventSink(eventsModeFromEnv(environment.localEventsMode()), dataDir)),
    onDynamoDbExit: (code) => {
      console.error(`DynamoDB Local exited unexpectedly (code ${code}); stopping.`);
      process.exit(1);
    },
  });
  stopOnSignals(stack);
  printTenants(stack, tenants, oauthClients);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
