/**
 * An extension changed by a deploy, modelled as two starts of the server on the same table with
 * different tenants.json settings: added attributes work at once; removed or retyped ones never
 * fail a read or corrupt the stored user — what no longer fits is left out of responses and
 * filters, kept in storage, and back once declared again.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { deleteTable, uniqueTableName } from '../support/dynamodb';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { PATCH_OP, USER } from '../support/urns';
import type { TenantSettingsInput } from '../../functions/tenants/settings-schema';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const LEGACY = 'urn:ietf:params:scim:schemas:extension:legacy:2.0:User';

const first: TenantSettingsInput = {
  schemaExtensions: [
    {
      id: ACME,
      resourceType: 'User',
      attributes: [
        { name: 'tier' },
        { name: 'seats', type: 'integer' },
        { name: 'office', type: 'complex', subAttributes: [{ name: 'building' }, { name: 'floor', type: 'integer' }] },
      ],
    },
    { id: LEGACY, resourceType: 'User', attributes: [{ name: 'oldCode' }] },
  ],
};

/** The next deploy: `tier` removed, `seats` retyped to string, `office.floor` dropped, LEGACY removed, `region` added. */
const second: TenantSettingsInput = {
  schemaExtensions: [
    {
      id: ACME,
      resourceType: 'User',
      attributes: [
        { name: 'seats', type: 'string' },
        { name: 'office', type: 'complex', subAttributes: [{ name: 'building' }] },
        { name: 'region' },
      ],
    },
  ],
};

describe('an extension changed between two starts on the same data', () => {
  const table = uniqueTableName('ext-change');
  let stack: TestStack | undefined;
  const start = async (settings: TenantSettingsInput) => {
    await stack?.stop();
    stack = await startTestStack({ tenants: [{ tenantId: 'acme', settings }], tableName: table });
  };
  const call = jsonCaller(() => stack as TestStack, 'acme');
  afterAll(async () => {
    await stack?.stop();
    await deleteTable(table);
  });

  let id: string;
  const stored = { tier: 'pro', seats: 5, office: { building: 'B1', floor: 3 } };

  it('stores a user under the first declaration', async () => {
    await start(first);
    const created = await call('POST', '/Users', {
      schemas: [USER, ACME, LEGACY],
      userName: 'kept@acme.example',
      [ACME]: stored,
      [LEGACY]: { oldCode: 'L1' },
    });
    expect(created.status).toBe(201);
    id = created.json.id as string;
  });

  it('after the change: reads answer 200 without what no longer fits, and the added attribute works', async () => {
    await start(second);
    const read = await call('GET', `/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.json.schemas).toEqual([USER, ACME]);
    expect(read.json[ACME]).toEqual({ office: { building: 'B1' } });
    expect(read.json[LEGACY]).toBeUndefined();
    const listed = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "kept@acme.example"')}`);
    expect(listed.status).toBe(200);
    expect((listed.json.Resources as Json[])[0]?.[ACME]).toEqual({ office: { building: 'B1' } });
    // A stale integer is not a string to filters either; the removed attribute is no filter at all.
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:seats eq "5"`)}`)).json.totalResults).toBe(0);
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:tier eq "pro"`)}`)).status).toBe(400);
    const sorted = await call('GET', `/Users?sortBy=${ACME}:seats&sortOrder=descending`);
    expect(sorted.status).toBe(200);
    expect((sorted.json.Resources as Json[]).map((r) => r.id)).toEqual([id]);
    const patched = await call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: `${ACME}:region`, value: 'EU' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.json[ACME]).toEqual({ office: { building: 'B1' }, region: 'EU' });
    const put = await call('PUT', `/Users/${id}`, {
      schemas: [USER, ACME],
      userName: 'kept@acme.example',
      displayName: 'Kept',
      [ACME]: { region: 'US' },
    });
    expect(put.status).toBe(200);
    expect(put.json[ACME]).toEqual({ region: 'US' });
  });

  it('declared again, the values left behind are back: storage kept them through PATCH and PUT', async () => {
    await start(first);
    const read = await call('GET', `/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.json.displayName).toBe('Kept');
    expect(read.json[ACME]).toEqual({ tier: 'pro', seats: 5 });
    expect(read.json[LEGACY]).toEqual({ oldCode: 'L1' });
    // A retyped value is replaced by the next write that sets it.
    const fixed = await call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: `${ACME}:seats`, value: 6 }],
    });
    expect(fixed.json[ACME]).toEqual({ tier: 'pro', seats: 6 });
  });
});
