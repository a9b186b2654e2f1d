import { randomBytes } from 'node:crypto';
import { CURSOR_TIMEOUT_SECONDS, decodeCursor, encodeCursor } from '../../../functions/provisioning/cursor';
import { ScimError } from '../../../functions/scim/scim-error';

const secret = randomBytes(32);
const position = { lastKey: { PK: 'TENANT#acme', SK: 'USER#42' } };

function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error.scimType;
    throw error;
  }
  return 'no error';
}

describe('pagination cursors', () => {
  it('round-trips the position for the query that issued it', () => {
    const cursor = encodeCursor(secret, 'acme-query', position);
    expect(decodeCursor(secret, 'acme-query', cursor)).toEqual(position);
  });

  it('rejects a cursor bound to another tenant or query', () => {
    const cursor = encodeCursor(secret, 'acme-query', position);
    expect(scimTypeOf(() => decodeCursor(secret, 'contoso-query', cursor))).toBe('invalidCursor');
  });

  it('rejects a cursor whose position was edited', () => {
    const cursor = encodeCursor(secret, 'q', position);
    const [body, signature] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body as string, 'base64url').toString()) as { p: unknown };
    payload.p = { lastKey: { PK: 'TENANT#contoso', SK: 'USER#1' } };
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect(scimTypeOf(() => decodeCursor(secret, 'q', forged))).toBe('invalidCursor');
  });

  it('rejects a cursor signed with another secret and garbage', () => {
    const cursor = encodeCursor(randomBytes(32), 'q', position);
    expect(scimTypeOf(() => decodeCursor(secret, 'q', cursor))).toBe('invalidCursor');
    expect(scimTypeOf(() => decodeCursor(secret, 'q', 'not-a-cursor'))).toBe('invalidCursor');
    expect(scimTypeOf(() => decodeCursor(secret, 'q', 'a.b.c'))).toBe('invalidCursor');
  });

  it('expires after the advertised timeout', () => {
    const issued = Date.UTC(2026, 0, 1);
    const cursor = encodeCursor(secret, 'q', position, issued);
    expect(decodeCursor(secret, 'q', cursor, issued + (CURSOR_TIMEOUT_SECONDS - 1) * 1000)).toEqual(position);
    expect(scimTypeOf(() => decodeCursor(secret, 'q', cursor, issued + CURSOR_TIMEOUT_SECONDS * 1000))).toBe('expiredCursor');
  });
});
