/**
 * RFC 9865 cursors: opaque to clients, unforgeable (HMAC), bound to the tenant and the query that
 * produced them, and short-lived. The position inside is DynamoDB's own LastEvaluatedKey (or an
 * offset into a sorted result), so a walk sees every item that exists throughout exactly once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../scim/scim-error';

/** Advertised as `pagination.cursorTimeout` (seconds). */
export const CURSOR_TIMEOUT_SECONDS = 3600;

export type CursorPosition = { readonly lastKey: Record<string, unknown> } | { readonly offset: number };

interface CursorPayload {
  /** Binding: tenant and query digest. */
  readonly b: string;
  readonly p: CursorPosition;
  /** Expiry, epoch seconds. */
  readonly x: number;
}

export function encodeCursor(secret: Buffer, binding: string, position: CursorPosition, now = Date.now()): string {
  const payload: CursorPayload = { b: binding, p: position, x: Math.floor(now / 1000) + CURSOR_TIMEOUT_SECONDS };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export function decodeCursor(secret: Buffer, binding: string, cursor: string, now = Date.now()): CursorPosition {
  const [body, signature, ...rest] = cursor.split('.');
  if (!body || !signature || rest.length > 0 || !signatureMatches(sign(secret, body), signature)) {
    throw badRequest('invalidCursor', 'The cursor is not one this server issued.');
  }
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  // A valid signature over another tenant's or another query's cursor is still not this query's.
  if (payload.b !== binding) throw badRequest('invalidCursor', 'The cursor belongs to another query.');
  if (payload.x * 1000 <= now) throw badRequest('expiredCursor', 'The cursor has expired; start again without one.');
  return payload.p;
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
