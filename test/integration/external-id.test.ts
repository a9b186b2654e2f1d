/**
 * externalId uniqueness is a tenant's choice (settings.externalIdUniqueness): RFC 7643 §3.1's
 * `none` by default — Microsoft's Postman collection creates several users with one externalId —
 * or `server`. Either way `externalId eq` is a strongly consistent key lookup returning every
 * match, and the uniqueness items written while externalId was unique keep answering.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { deleteTable, uniqueTableName } from '../support/dynamodb';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const byExternalId = (value: string) => `?filter=${encodeURIComponent(`externalId eq "${value}"`)}`;
const ids = (response: { json: Json }) => ((response.json.Resources as Json[]) ?? []).map((r) => r.id as string).sort();

describe('externalId uniqueness per tenant', () => {
  const table = uniqueTableName('external-id');
  let stack: TestStack | undefined;
  const start = async (uniqueness: 'none' | 'server') => {
    await stack?.stop();
    stack = await startTestStack({
      tenants: [
        { tenantId: 'acme', settings: { externalIdUniqueness: uniqueness } },
        { tenantId: 'strict', settings: { externalIdUniqueness: 'server' } },
      ],
      tableName: table,
    });
  };
  const call = jsonCaller(() => stack as TestStack, 'acme');
  afterAll(async () => {
    await stack?.stop();
    await deleteTable(table);
  });

  it('by default several users and groups share one externalId, and the filter returns all of them at once', async () => {
    await start('none');
    const created: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const response = await call('POST', '/Users', { schemas: [USER], userName: `${name}@dup.example`, externalId: 'jdoe' });
      expect(response.status).toBe(201);
      created.push(response.json.id as string);
      // Read right after the write: a key lookup, never an eventually consistent index.
      expect(ids(await call('GET', `/Users${byExternalId('jdoe')}`))).toEqual([...created].sort());
    }
    // caseExact: another case is another value.
    expect(ids(await call('GET', `/Users${byExternalId('JDOE')}`))).toEqual([]);
    const renamed = await call('PATCH', `/Users/${created[0]}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'externalId', value: 'jdoe2' }],
    });
    expect(renamed.status).toBe(200);
    expect(ids(await call('GET', `/Users${byExternalId('jdoe')}`))).toEqual([created[1], created[2]].sort());
    expect(ids(await call('GET', `/Users${byExternalId('jdoe2')}`))).toEqual([created[0]]);
    expect((await call('DELETE', `/Users/${created[1]}`)).status).toBe(204);
    expect(ids(await call('GET', `/Users${byExternalId('jdoe')}`))).toEqual([created[2]]);
    for (const name of ['g1', 'g2']) {
      expect((await call('POST', '/Groups', { schemas: [GROUP], displayName: name, externalId: 'team' })).status).toBe(201);
    }
    expect((await call('GET', `/Groups${byExternalId('team')}`)).json.totalResults).toBe(2);
    const schema = (await call('GET', `/Schemas/${USER}`)).json;
    expect((schema.attributes as Json[]).find((a) => a.name === 'externalId')).toMatchObject({ uniqueness: 'none', caseExact: true });
  });

  it('a tenant that chooses server uniqueness gets 409 for a duplicate', async () => {
    const first = await call('POST', '/Users', { schemas: [USER], userName: 'a@strict.example', externalId: 'E1' }, 'strict');
    expect(first.status).toBe(201);
    const second = await call('POST', '/Users', { schemas: [USER], userName: 'b@strict.example', externalId: 'E1' }, 'strict');
    expect(second.status).toBe(409);
    expect(second.json.scimType).toBe('uniqueness');
    expect(ids(await call('GET', `/Users${byExternalId('E1')}`, undefined, 'strict'))).toEqual([first.json.id]);
    const schema = (await call('GET', `/Schemas/${USER}`, undefined, 'strict')).json;
    expect((schema.attributes as Json[]).find((a) => a.name === 'externalId')).toMatchObject({ uniqueness: 'server' });
  });

  it('items written while externalId was unique keep answering after the switch to none', async () => {
    await start('server');
    const old = await call('POST', '/Users', { schemas: [USER], userName: 'old@legacy.example', externalId: 'legacy-1' });
    expect(old.status).toBe(201);
    await start('none');
    expect(ids(await call('GET', `/Users${byExternalId('legacy-1')}`))).toEqual([old.json.id]);
    const next = await call('POST', '/Users', { schemas: [USER], userName: 'new@legacy.example', externalId: 'legacy-1' });
    expect(next.status).toBe(201);
    expect(ids(await call('GET', `/Users${byExternalId('legacy-1')}`))).toEqual([old.json.id, next.json.id].sort());
    // The old user moves on: its old item no longer matches (the filter judges every candidate).
    await call('PATCH', `/Users/${old.json.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'externalId', value: 'legacy-2' }],
    });
    expect(ids(await call('GET', `/Users${byExternalId('legacy-1')}`))).toEqual([next.json.id]);
    expect(ids(await call('GET', `/Users${byExternalId('legacy-2')}`))).toEqual([old.json.id]);
  });
});
