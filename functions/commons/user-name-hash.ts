/**
 * The hashed form of a userName (the tenant setting `activity.hashUserName`, docs/activity.md): the
 * activity recorder, the request path's records, the delete's note and the history query all use
 * this one function, so the same user's records still meet under one value.
 */
import { createHash } from 'node:crypto';

const HASH_PREFIX = 'sha256:';

/** `sha256:<32 hex>` of the tenant and the case-folded name: stable, so history by userName still works. */
export const hashedName = (tenantId: string, name: string): string =>
  `${HASH_PREFIX}${createHash('sha256').update(`${tenantId}\n${name.toLowerCase()}`, 'utf8').digest('hex').slice(0, 32)}`;

/** A name already in its hashed form (a delete's note of a hashing tenant): not hashed twice. */
export const isHashedName = (name: string): boolean => name.startsWith(HASH_PREFIX);
