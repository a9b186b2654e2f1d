/**
 * `scim-admin`: operator tasks on a SCIM table, local or in AWS.
 *
 * The tenant admin API's operations, one command each (docs/admin-api.md; the same service functions):
 *   scim-admin tenants create <tenantId> [--name "Display name"] [--rate-tier t] [--settings-file f.json] [--json]
 *   scim-admin tenants get <tenantId> [--json]
 *   scim-admin tenants list [--json]                    every tenant, read page by page
 *   scim-admin tenants update <tenantId> [--name n] [--rate-tier t] [--settings-file f.json] [--json]
 *   scim-admin tenants pause|resume|disable <tenantId>  status paused (503 + Retry-After), active, disabled
 *   scim-admin tenants delete <tenantId>                credentials refused at once; data removed in the background
 *   scim-admin tokens issue --tenant <t> [--secret-id <id>] [--json]   a secret token (at most two) into the token file or secret
 *   scim-admin tokens list --tenant <t> [--json]        ids and dates, never a token
 *   scim-admin tokens revoke <tokenId> --tenant <t>
 *   scim-admin connection <tenantId> [--api-url <url>]  what to paste into Entra or Okta (JSON), WIF values included
 *   scim-admin tokens generate                          a token for SCIM_LOCAL_TENANTS
 *   scim-admin clients add --tenant <t> [--secret-id <id>]  an OAuth client; its secret is shown once
 *   scim-admin clients list --tenant <t> [--json]       ids, status, secret ids and dates (never secrets)
 *   scim-admin clients get <clientId> --tenant <t> [--json]
 *   scim-admin clients rotate <clientId> --tenant <t> [--secret-id <id>]   a second secret (at most two), shown once
 *   scim-admin clients revoke-secret <clientId> <secretId> --tenant <t>   that secret stops at once
 *   scim-admin clients revoke <clientId> --tenant <t>
 *   scim-admin federation add --tenant <t> --issuer <iss> --jwks-uri <url> --subject <sub> --audience <aud> [--audience <aud>]
 *              [--entra-tenant <tid>] [--id <id>] [--client-id <id>] [--json]   a federated credential (no secret)
 *   scim-admin federation list --tenant <t> [--json]
 *   scim-admin federation remove <credentialId> --tenant <t>
 *   scim-admin users find <userName|id|externalId> --tenant <t>
 *   scim-admin groups find <displayName|id|externalId> --tenant <t>
 *   scim-admin groups members <groupId> --tenant <t>    member ids, read page by page
 *   scim-admin user groups <userId> --tenant <t>
 *   scim-admin stats --tenant <t>                       users, active users, groups, memberships
 *   scim-admin counts recount --tenant <t>              repair the exact counts: <type> <before> <after> (docs/operations.md)
 *   scim-admin export --tenant <t> [--file out.jsonl]   JSON Lines (stdout by default)
 *   scim-admin import --tenant <t> [--file in.jsonl]    idempotent (stdin by default)
 *   scim-admin streams add --tenant <t> (--push <https url> [--authorization-file f] | --poll)
 *                          [--id <streamId>] [--form notice|full] [--events uri,uri] [--aud <audience>]
 *                                                       an event stream (docs/events.md); a poll credential is shown once
 *   scim-admin streams list --tenant <t> [--json]
 *   scim-admin streams rotate <streamId> --tenant <t>  a poll stream's new credential, shown once (the old one stops;
 *                                                       the first of a poll stream a deploy created from tenants.json)
 *   scim-admin streams remove|redrive|dead <streamId> --tenant <t>   dead: the dead letters (--json: with the SETs)
 *   scim-admin activity --tenant <t> [--user <userName|id>] [--since 24h] [--failures] [--limit 100] [--json]
 *                                                       the tenant's activity log, oldest first (docs/activity.md)
 *   scim-admin health --tenant <t> [--json]             connection health: verdict, counts, per credential
 *   scim-admin events redrive                           replay failed stream batches (docs/operations.md)
 *
 * Where: the local DynamoDB that `npm start` runs (found from SCIM_DATA_DIR or --data-dir; tokens
 * go to <dataDir>/<tenant>-token), or a deployed stack with --stack <name> [--region r] [--profile p]
 * (table and tenants.json token secrets from the stack's outputs; `tokens issue` puts another
 * tenant's token in the secret <stack>/tenants/<id>/token, created for it), or AWS with --region/--profile
 * and --table (tokens go to the secret named by --secret-id). --endpoint names any DynamoDB endpoint.
 * With --stack, a tenant created here gets its own API key in its tier's usage plan, as through the admin
 * API: the plans and the usage key salt come from the stack's RateTiers output (admin/cli-rate-tiers.ts).
 *
 * Exit codes: 0 done, 1 failed, 2 bad usage, 3 not found, 4 table unreachable.
 * Tokens are printed only by `tokens generate`; others go to the token file or secret. An OAuth
 * client's secret is printed once by `clients add|rotate`, or written to --secret-id instead.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commands as baseCommands, type Flags } from '../admin/commands';
import { federationCommands } from '../admin/federation-commands';
import { connect } from '../admin/connection';
import { AdminError, EXIT } from '../admin/cli-errors';
import { generateToken } from '../functions/credentials/secret-token';

const commands = { ...baseCommands, ...federationCommands } as typeof baseCommands;

const USAGE =
  readFileSync(new URL(import.meta.url), 'utf8')
    .split('*/')[0]
    ?.replace(/^\/\*\*\n?|^ \* ?/gm, '') ?? '';

const OPTIONS = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  'secret-id': { type: 'string' },
  'rate-tier': { type: 'string' },
  'settings-file': { type: 'string' },
  'api-url': { type: 'string' },
  file: { type: 'string' },
  table: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  push: { type: 'string' },
  poll: { type: 'boolean' },
  'authorization-file': { type: 'string' },
  id: { type: 'string' },
  form: { type: 'string' },
  events: { type: 'string' },
  aud: { type: 'string' },
  'client-id': { type: 'string' },
  issuer: { type: 'string' },
  'jwks-uri': { type: 'string' },
  subject: { type: 'string' },
  audience: { type: 'string', multiple: true },
  'entra-tenant': { type: 'string' },
  user: { type: 'string' },
  limit: { type: 'string' },
  since: { type: 'string' },
  failures: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function progress(what: string, count: number): void {
  // A progress line on a terminal only: pipes and files get the result alone.
  if (process.stderr.isTTY) process.stderr.write(`\r${what}: ${count}\u001b[K`);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new AdminError(error instanceof Error ? error.message : String(error), EXIT.usage);
  }
  const { positionals, values } = parsed;
  const two = positionals.slice(0, 2).join(' ');
  const key = commands[two] ? two : (positionals[0] ?? '');
  const command = commands[key];
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (!command) throw new AdminError(`unknown command "${positionals.join(' ')}"\n\n${USAGE}`, EXIT.usage);
  if (key === 'tokens generate') {
    // Needs no table: a token to put into SCIM_LOCAL_TENANTS.
    process.stdout.write(`${generateToken()}\n`);
    return EXIT.ok;
  }
  const connection = await connect(values);
  try {
    await command(connection, positionals.slice(key.split(' ').length), values as Flags, {
      out: (line) => process.stdout.write(`${line}\n`),
      progress,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
    return EXIT.ok;
  } finally {
    connection.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`scim-admin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof AdminError ? error.exitCode : EXIT.failed);
  },
);
