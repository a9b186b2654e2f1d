/**
 * Tenant secret tokens. The service stores only SHA-256 hashes; the token itself is shown once
 * (Secrets Manager in AWS, stdout locally) and pasted into the identity provider's provisioning settings as its secret token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ACCESS_TOKEN_PATTERN_SOURCE, isAccessTokenShape } from './token-shape';

export const TOKEN_PREFIX = 'scim_';
/** 32 random bytes, base64url: 43 characters after the prefix. */
export const TOKEN_PATTERN = /^scim_[A-Za-z0-9_-]{43}$/;
/**
 * API Gateway TOKEN authorizer validationRegex: rejects malformed headers without invoking Lambda.
 * Admits exactly the two credentials: a tenant secret token, or an OAuth access token (a JWT, see
 * credentials/token-shape.ts).
 */
export const AUTHORIZATION_HEADER_PATTERN = `^Bearer (?:scim_[A-Za-z0-9_-]{43}|${ACCESS_TOKEN_PATTERN_SOURCE})$`;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Extracts the token from `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const token = match?.[1];
  return token && TOKEN_PATTERN.test(token) ? token : undefined;
}

export type BearerCredential = { readonly kind: 'secret token' | 'access token'; readonly value: string };

/** The secret token or OAuth access token in `Authorization: Bearer <credential>`; undefined otherwise. */
export function bearerCredential(header: string | undefined): BearerCredential | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const value = match?.[1];
  if (!value) return undefined;
  if (TOKEN_PATTERN.test(value)) return { kind: 'secret token', value };
  if (isAccessTokenShape(value)) return { kind: 'access token', value };
  return undefined;
}

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
