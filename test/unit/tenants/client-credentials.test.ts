/**
 * Generated OAuth client ids: operators pass them to `scim-admin clients rotate <id>` as a
 * positional argument, where an id starting with `-` was read as an option (CI failed 1 run in 64).
 */
import { describe, expect, it } from '@jest/globals';
import { CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, generateClientCredentials } from '../../../functions/credentials/client-credentials';

describe('generated client credentials', () => {
  it('have ids of 24 base64url characters that never start with - or _, and 43-character secrets', () => {
    const generated = Array.from({ length: 4000 }, generateClientCredentials);
    for (const { clientId, clientSecret } of generated) {
      expect(clientId).toMatch(CLIENT_ID_PATTERN);
      expect(clientId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{23}$/);
      expect(clientSecret).toMatch(CLIENT_SECRET_PATTERN);
    }
    expect(new Set(generated.map((c) => c.clientId)).size).toBe(generated.length);
  });
});
