/**
 * The names `npm start` gives things in its data folder and its defaults: a module of constants only, so
 * the CLI (admin/connection.ts and friends) can name them without loading local/server.ts, which loads
 * every Lambda handler — about a second of every `scim-admin` start (docs/testing.md#wall-time).
 */
export const DEFAULT_TABLE_NAME = 'scim-local';
/** Below the data folder: failed stream batches (`scim-admin events redrive` reads them). */
export const FAILED_BATCHES_DIR = 'failed-batches';
export const DEFAULT_PORT = 8080;
/** The local access-token signing key, in the data folder. */
export const OAUTH_KEY_FILE = 'oauth-signing-key.json';
/** The local SET signing key and the key that seals push streams' Authorization headers (docs/events.md). */
export const EVENTS_KEY_FILE = 'events-signing-key.json';
export const EVENTS_SECRETS_FILE = 'events-secrets.key';
