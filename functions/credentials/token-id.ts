/**
 * A secret token's id, as activity records and health name it: the id the token item carries, or
 * for tokens without one `tok_` and the first 12 hex digits of the token's SHA-256 (the item's key:
 * it identifies the token without revealing anything that would help to guess it).
 */
import type { TokenRecord } from '../store/key-reads';

export const tokenIdOf = (record: Pick<TokenRecord, 'tokenHash' | 'tokenId'>): string =>
  record.tokenId ?? `tok_${record.tokenHash.slice(0, 12)}`;
