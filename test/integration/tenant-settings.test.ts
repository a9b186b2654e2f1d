/** Per-tenant required attributes (tenants.json settings) over HTTP: enforced and shown in /Schemas. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';

describe('per-tenant required attributes over HTTP', () => {
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      tenants: [
        { tenantId: 'bic', settings: { requiredAttributes: { User: ['roles[primary eq "True"].value', `${ENTERPRISE}:organization`] } } },
        {
          tenantId: 'bldng',
          settings: { requiredAttributes: { User: ['phoneNumbers', `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`] } },
        },
      ],
    });
  });
  afterAll(async () => stack.stop());

  const post = (tenant: string, body: Json) => stack.request(tenant, 'POST', '/Users', { schemas: [USER, ENTERPRISE], ...body });

  it("refuses a user without the tenant's required attributes, naming the attribute", async () => {
    const missing = await post('bic', {
      userName: 'a@bic.example',
      roles: [{ value: 'Designer', primary: 'False' }],
      [ENTERPRISE]: { organization: 'BIC' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('roles[primary eq "True"].value') });
    const ok = await post('bic', {
      userName: 'a@bic.example',
      roles: [{ value: 'Designer', primary: 'True' }],
      [ENTERPRISE]: { organization: 'BIC' },
    });
    expect(ok.status).toBe(201);
    // The same user is fine for the other tenant's rules only with its own required attributes.
    const other = await post('bldng', { userName: 'a@bic.example', [ENTERPRISE]: { employeeNumber: '1' } });
    expect(other.status).toBe(400);
    expect((other.body as Json).detail).toContain('phoneNumbers');
  });

  it('refuses a PATCH that removes a required attribute', async () => {
    const created = await post('bldng', {
      userName: 'b@bldng.example',
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      [ENTERPRISE]: { employeeNumber: '2', department: 'Ops' },
    });
    expect(created.status).toBe(201);
    const id = (created.body as Json).id as string;
    const removal = await stack.request('bldng', 'PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: `${ENTERPRISE}:department` }],
    });
    expect(removal.status).toBe(400);
  });

  it("shows them as required in that tenant's /Schemas only", async () => {
    const schemaOf = async (tenant: string, id: string) => (await stack.request(tenant, 'GET', `/Schemas/${id}`)).body as Json;
    const attribute = (schema: Json, name: string) => (schema.attributes as Json[]).find((a) => a.name === name) as Json;
    expect(attribute(await schemaOf('bic', ENTERPRISE), 'organization').required).toBe(true);
    expect(attribute(await schemaOf('bic', USER), 'roles').required).toBe(true);
    expect(attribute(await schemaOf('bldng', ENTERPRISE), 'organization').required).toBe(false);
    expect(attribute(await schemaOf('bldng', USER), 'phoneNumbers').required).toBe(true);
  });
});
