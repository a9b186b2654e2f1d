/**
 * With a custom domain the construct sets SCIM_PUBLIC_ORIGIN on every function (issue #26); then
 * every absolute URL a response carries (Location, meta.location, members' and groups' $ref, Bulk
 * locations, discovery documents, the admin API's `connection` values and Location headers, the RFC 8414
 * metadata) is on that domain, whatever host the request came in on. Without it, the URLs are the
 * host the client called. One function builds that base (functions/commons/api-base-url.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminCaller } from '../support/admin-api';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { BULK, GROUP, USER } from '../support/urns';

const T = 'acme';
const DOMAIN = 'https://scim.vendor.example';
const BASE = `${DOMAIN}/tenants/${T}/scim/v2`;
let stack: TestStack;
const admin = adminCaller(() => stack);
const METADATA_PATHS = [`/.well-known/oauth-authorization-server/tenants/${T}`, `/tenants/${T}/.well-known/oauth-authorization-server`];
/** Fetched on 127.0.0.1 (the admin calls go to `localhost`): without a custom domain each answer names the host it was called on. */
const loopback = () => `http://127.0.0.1:${stack.stack.port}`;
const metadataAt = async (path: string) => (await (await fetch(`${loopback()}${path}`)).json()) as Json;

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T] });
});
afterAll(async () => {
  delete process.env.SCIM_PUBLIC_ORIGIN;
  await stack.stop();
});

/** Every string in a document that looks like an absolute URL. */
const urlsIn = (value: unknown): string[] =>
  typeof value === 'string'
    ? /^https?:\/\//.test(value)
      ? [value]
      : []
    : Array.isArray(value)
      ? value.flatMap(urlsIn)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(urlsIn)
        : [];

describe('SCIM_PUBLIC_ORIGIN', () => {
  it('puts the custom domain in Location, meta.location and every $ref', async () => {
    process.env.SCIM_PUBLIC_ORIGIN = `${DOMAIN}/`;
    const created = await stack.request(T, 'POST', '/Users', { schemas: [USER], userName: 'ada@example.com' });
    const user = created.body as Json;
    expect(created.headers.get('location')).toBe(`${BASE}/Users/${String(user.id)}`);
    expect(user.meta.location).toBe(`${BASE}/Users/${String(user.id)}`);
    const group = (await stack.request(T, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Eng', members: [{ value: user.id }] }))
      .body as Json;
    expect(group.members[0].$ref).toBe(`${BASE}/Users/${String(user.id)}`);
    const withGroups = (await stack.request(T, 'GET', `/Users/${String(user.id)}?attributes=groups`)).body as Json;
    expect(withGroups.groups[0].$ref).toBe(`${BASE}/Groups/${String(group.id)}`);

    const bulk = (
      await stack.request(T, 'POST', '/Bulk', {
        schemas: [BULK],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [USER], userName: 'grace@example.com' } }],
      })
    ).body as Json;
    expect(bulk.Operations[0].location).toMatch(new RegExp(`^${BASE}/Users/`));

    // Every URL of this service (documentation links point elsewhere) is on the custom domain.
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Users', '/Groups']) {
      const ours = urlsIn((await stack.request(T, 'GET', path)).body).filter(
        (url) => url.includes('/tenants/') || url.includes('127.0.0.1'),
      );
      expect(ours.length).toBeGreaterThan(0);
      expect([path, ours.filter((url) => !url.startsWith(`${BASE}/`))]).toEqual([path, []]);
    }
  });

  it('without it, the URLs are the host the client called', async () => {
    delete process.env.SCIM_PUBLIC_ORIGIN;
    const created = await stack.request(T, 'POST', '/Users', { schemas: [USER], userName: 'edsger@example.com' });
    expect(created.headers.get('location')).toBe(`${stack.baseUrl(T)}/Users/${String((created.body as Json).id)}`);
  });

  it("puts it in the admin API's connection values, its Location headers and the RFC 8414 metadata", async () => {
    process.env.SCIM_PUBLIC_ORIGIN = DOMAIN;
    const connection = await admin('GET', `/tenants/${T}/connection`);
    expect(connection.status).toBe(200);
    expect(connection.json).toMatchObject({
      tenantUrl: BASE,
      entra: {
        secretToken: { 'Tenant URL': BASE },
        oauth2ClientCredentialsGrant: { 'Tenant URL': BASE, 'Token Endpoint': `${DOMAIN}/tenants/${T}/oauth2/token` },
      },
      okta: { 'SCIM connector base URL': BASE },
      workloadIdentity: { metadata: `${DOMAIN}/tenants/${T}/.well-known/oauth-authorization-server` },
    });
    // Every URL of this service in the answer (documentation links point elsewhere) is on the custom domain.
    const ours = urlsIn(connection.json).filter((url) => /\/(tenants|admin)\/|\/\/(localhost|127\.0\.0\.1)[:/]/.test(url));
    expect(ours.length).toBeGreaterThan(3);
    expect(ours.filter((url) => !url.startsWith(`${DOMAIN}/`))).toEqual([]);

    const created = await admin('POST', '/tenants', { id: 'globex', displayName: 'Globex' });
    expect(created.headers.get('location')).toBe(`${DOMAIN}/admin/v1/tenants/globex`);

    for (const path of METADATA_PATHS) {
      const metadata = await metadataAt(path);
      expect([path, metadata.issuer, metadata.token_endpoint]).toEqual([
        path,
        `${DOMAIN}/tenants/${T}`,
        `${DOMAIN}/tenants/${T}/oauth2/token`,
      ]);
    }
  });

  it('without it, the connection values and the metadata are the host the client called', async () => {
    delete process.env.SCIM_PUBLIC_ORIGIN;
    const connection = (await admin('GET', `/tenants/${T}/connection`)).json;
    expect(connection.tenantUrl).toBe(`${stack.stack.url}/tenants/${T}/scim/v2`);
    expect(connection.entra.oauth2ClientCredentialsGrant['Token Endpoint']).toBe(`${stack.stack.url}/tenants/${T}/oauth2/token`);
    for (const path of METADATA_PATHS) {
      expect((await metadataAt(path)).issuer).toBe(`${loopback()}/tenants/${T}`);
    }
  });
});
