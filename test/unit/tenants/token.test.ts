/**
 * Tokens: format, hashing and comparison. The authorizer never compares tokens themselves: it
 * looks up the SHA-256 of the presented token and compares fixed-length digests with
 * crypto.timingSafeEqual, so neither the lookup nor the comparison time depends on how much of a
 * guessed token is right.
 */
import { describe, expect, it } from '@jest/globals';
import {
  AUTHORIZATION_HEADER_PATTERN,
  bearerToken,
  generateToken,
  hashesEqual,
  hashToken,
  TOKEN_PATTERN,
} from '../../../functions/credentials/secret-token';

describe('tokens', () => {
  it('are 256-bit random values in a recognisable format', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(TOKEN_PATTERN);
      expect(`Bearer ${token}`).toMatch(new RegExp(AUTHORIZATION_HEADER_PATTERN));
    }
  });

  it('hash to fixed-length digests, whatever the input length', () => {
    expect(hashToken('a')).toHaveLength(64);
    expect(hashToken(generateToken())).toHaveLength(64);
    expect(hashToken('x'.repeat(10_000))).toHaveLength(64);
  });

  it('compare digests exactly, refusing different lengths and empty values', () => {
    const digest = hashToken(generateToken());
    expect(hashesEqual(digest, digest)).toBe(true);
    const flipped = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`;
    expect(hashesEqual(digest, flipped)).toBe(false);
    expect(hashesEqual(digest, digest.slice(0, 32))).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });

  it('accept only a well-formed bearer header', () => {
    const token = generateToken();
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer   ${token}`)).toBe(token);
    expect(bearerToken(`Basic ${token}`)).toBeUndefined();
    expect(bearerToken('Bearer scim_short')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
