/**
 * The SigV4 example of docs/admin-api.md (admin/signed-admin-request.ts): the signer reproduces AWS's
 * published SigV4 test vectors (get-vanilla, post-vanilla), and a signed admin call has the shape API
 * Gateway's AWS_IAM authorization checks — a credential scope for `execute-api` in the API's Region,
 * Host and X-Amz-Date (and the session token of temporary credentials) under the signature, the body
 * under the signature (a changed body gives another signature) — and no Host header for fetch to clash with.
 */
import { describe, expect, it } from '@jest/globals';
import { signedAdminRequest } from '../../../admin/signed-admin-request';

const VECTOR_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const VECTOR_DATE = new Date('2015-08-30T12:36:00Z');
const vector = (method: string) =>
  signedAdminRequest('https://example.amazonaws.com/', method, {
    region: 'us-east-1',
    service: 'service',
    credentials: VECTOR_CREDENTIALS,
    now: VECTOR_DATE,
  });

describe('AWS SigV4 test suite', () => {
  it('get-vanilla', async () => {
    expect((await vector('GET')).headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
  it('post-vanilla', async () => {
    expect((await vector('POST')).headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    );
  });
});

describe('a signed admin API call', () => {
  const url = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v2/admin/v1/tenants?limit=50';
  const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' };
  const now = new Date('2026-12-07T03:00:00Z');

  it('is scoped to execute-api in the Region, with date, session token and body under the signature', async () => {
    const signed = await signedAdminRequest(url, 'POST', {
      region: 'eu-west-1',
      credentials,
      json: { id: 'acme', displayName: 'Acme' },
      now,
    });
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/20261207\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.headers['x-amz-date']).toBe('20261207T030000Z');
    expect(signed.headers['x-amz-security-token']).toBe('session-token');
    expect(signed.headers['content-type']).toBe('application/json');
    expect(signed.body).toBe('{"id":"acme","displayName":"Acme"}');
    expect(Object.keys(signed.headers).map((name) => name.toLowerCase())).not.toContain('host');

    const other = await signedAdminRequest(url, 'POST', {
      region: 'eu-west-1',
      credentials,
      json: { id: 'acme', displayName: 'Other' },
      now,
    });
    const signature = (auth: string | undefined) => auth?.split('Signature=')[1];
    expect(signature(other.headers.authorization)).not.toBe(signature(signed.headers.authorization));
  });

  it('signs the path and query as sent (the stage and /admin/v1 included)', async () => {
    const page1 = await signedAdminRequest(url, 'GET', { region: 'eu-west-1', credentials, now });
    const page2 = await signedAdminRequest(url.replace('limit=50', 'limit=51'), 'GET', { region: 'eu-west-1', credentials, now });
    const stageless = await signedAdminRequest(url.replace('/v2/', '/'), 'GET', { region: 'eu-west-1', credentials, now });
    const signatures = new Set([page1, page2, stageless].map((s) => s.headers.authorization));
    expect(signatures.size).toBe(3);
    expect(page1.body).toBeUndefined();
  });
});
