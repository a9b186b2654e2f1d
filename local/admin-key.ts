/**
 * The local server's admin key: what `Authorization: Bearer <key>` must carry on `/admin/v1` when
 * there is no IAM to sign with. SCIM_LOCAL_ADMIN_KEY when set (bin/local-server.ts reads it),
 * otherwise generated once into `<dataDir>/admin-key` (owner-only) and kept across restarts. Its shape
 * (`scimadm_` + 43 characters) matches neither a secret token nor an access token, so the SCIM
 * authorizer refuses it, and the admin gate accepts nothing else.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_KEY_FILE = 'admin-key';
export const ADMIN_KEY_PATTERN = /^scimadm_[A-Za-z0-9_-]{43}$/;

export const generateAdminKey = (): string => `scimadm_${randomBytes(32).toString('base64url')}`;

/** The given key (validated), else the one in the data folder, else a new one written there. */
export function localAdminKey(given: string | undefined, dataDir: string | undefined): string {
  if (given !== undefined) {
    if (!ADMIN_KEY_PATTERN.test(given))
      throw new Error(`SCIM_LOCAL_ADMIN_KEY must match ${ADMIN_KEY_PATTERN} (e.g. ${generateAdminKey()})`);
    return given;
  }
  if (!dataDir) return generateAdminKey();
  const file = join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (ADMIN_KEY_PATTERN.test(stored)) return stored;
  }
  const key = generateAdminKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Constant-time check of `Authorization: Bearer <key>`. */
export function bearsAdminKey(header: string | undefined, key: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = Buffer.from(match?.[1] ?? '');
  const expected = Buffer.from(key);
  return expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
}
