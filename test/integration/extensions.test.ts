/**
 * A tenant's own schema extension (tenants.json `settings.schemaExtensions`) over HTTP on DynamoDB
 * Local: declared once, it drives validation, /Schemas, /ResourceTypes, PATCH in Entra's forms, PUT,
 * filters, sorting, projection, required attributes and uniqueness — for that tenant only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { ENTERPRISE, GROUP, PATCH_OP, USER } from '../support/urns';
import type { TenantSettingsInput } from '../../functions/tenants/settings-schema';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const ACME_GROUP = 'urn:ietf:params:scim:schemas:extension:acme:2.0:Group';
const BADGE = 'urn:ietf:params:scim:schemas:extension:badge:2.0:User';

const acmeSettings: TenantSettingsInput = {
  schemaExtensions: [
    {
      id: ACME,
      name: 'AcmeUser',
      description: "Acme's own user attributes",
      resourceType: 'User',
      required: false,
      attributes: [
        {
          name: 'licenseTier',
          type: 'string',
          multiValued: false,
          required: false,
          caseExact: false,
          mutability: 'readWrite',
          returned: 'default',
          uniqueness: 'none',
          canonicalValues: ['free', 'pro', 'enterprise'],
        },
        { name: 'seats', type: 'integer' },
        { name: 'badges', type: 'string', multiValued: true },
        {
          name: 'office',
          type: 'complex',
          subAttributes: [
            { name: 'building', type: 'string' },
            { name: 'floor', type: 'integer' },
          ],
        },
        { name: 'discount', type: 'decimal' },
        { name: 'trial', type: 'boolean' },
        { name: 'renewsAt', type: 'dateTime' },
        { name: 'portal', type: 'reference', referenceTypes: ['external'] },
        { name: 'avatar', type: 'binary' },
        { name: 'costCode', uniqueness: 'server' },
        {
          name: 'devices',
          type: 'complex',
          multiValued: true,
          subAttributes: [{ name: 'value' }, { name: 'type' }, { name: 'primary', type: 'boolean' }],
        },
        { name: 'secretNote', returned: 'request' },
      ],
    },
    { id: ACME_GROUP, resourceType: 'Group', attributes: [{ name: 'costCenter' }] },
  ],
};

const badgeSettings: TenantSettingsInput = {
  unknownAttributes: 'ignore',
  schemaExtensions: [
    { id: BADGE, resourceType: 'User', required: true, attributes: [{ name: 'badgeNumber', required: true }, { name: 'site' }] },
  ],
};

describe('a tenant schema extension over HTTP', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      tenants: [{ tenantId: 'acme', settings: acmeSettings }, { tenantId: 'badge', settings: badgeSettings }, 'other'],
    });
  });
  afterAll(async () => stack.stop());
  const call = jsonCaller(() => stack, 'acme');
  const patch = (id: string, operations: Json[], tenant = 'acme') =>
    call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations }, tenant);

  const fullUser = (userName: string, extension: Json = {}) => ({
    schemas: [USER, ACME],
    userName,
    [ACME]: {
      licenseTier: 'pro',
      seats: '5',
      badges: ['gold', 'early'],
      office: { building: 'B1', floor: 3 },
      discount: 12.5,
      trial: 'True',
      renewsAt: '2027-01-31T12:00:00Z',
      portal: 'https://portal.acme.example/u/1',
      avatar: 'aGVsbG8=',
      devices: [{ value: 'lt-1', type: 'laptop', primary: true }],
      ...extension,
    },
  });

  describe('discovery', () => {
    it("lists the extension in the tenant's /Schemas with RFC 7643 §7 defaults, and not in another tenant's", async () => {
      const mine = await call('GET', '/Schemas');
      const ids = (mine.json.Resources as Json[]).map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining([USER, ENTERPRISE, GROUP, ACME, ACME_GROUP]));
      const acme = (mine.json.Resources as Json[]).find((s) => s.id === ACME) as Json;
      expect(acme).toMatchObject({ name: 'AcmeUser', description: "Acme's own user attributes", meta: { resourceType: 'Schema' } });
      expect((acme.attributes as Json[]).find((a) => a.name === 'seats')).toEqual({
        name: 'seats',
        type: 'integer',
        multiValued: false,
        description: '',
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'none',
      });
      expect((await call('GET', `/Schemas/${ACME}`)).status).toBe(200);
      const theirs = await call('GET', '/Schemas', undefined, 'other');
      expect((theirs.json.Resources as Json[]).map((s) => s.id)).not.toContain(ACME);
      expect((await call('GET', `/Schemas/${ACME}`, undefined, 'other')).status).toBe(404);
    });

    it('names every attribute a mapping can target, externalId, members and manager included', async () => {
      const schemas = (await call('GET', '/Schemas')).json.Resources as Json[];
      // Microsoft's validator flattens /Schemas into names (core unqualified, extensions under their URN).
      const names = schemas.flatMap((schema) =>
        (schema.attributes as Json[]).flatMap((a) => {
          const base = schema.id === USER || schema.id === GROUP ? a.name : `${schema.id}:${a.name}`;
          return [base, ...((a.subAttributes as Json[] | undefined) ?? []).map((s) => `${base}.${s.name}`)];
        }),
      );
      const lower = names.map((n: string) => n.toLowerCase());
      for (const wanted of [
        'externalId',
        'userName',
        'name.givenName',
        'emails.value',
        'members',
        `${ENTERPRISE}:manager`,
        `${ENTERPRISE}:department`,
        `${ACME}:seats`,
        `${ACME}:office.floor`,
      ]) {
        expect(lower).toContain(wanted.toLowerCase());
      }
      const group = schemas.find((s) => s.id === GROUP) as Json;
      expect((group.attributes as Json[]).map((a) => a.name)).toEqual(expect.arrayContaining(['displayName', 'members', 'externalId']));
    });

    it('lists the extension in /ResourceTypes schemaExtensions, required as declared', async () => {
      const user = await call('GET', '/ResourceTypes/User');
      expect(user.json.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
        { schema: ACME, required: false },
      ]);
      expect((await call('GET', '/ResourceTypes/Group')).json.schemaExtensions).toEqual([{ schema: ACME_GROUP, required: false }]);
      expect((await call('GET', '/ResourceTypes/User', undefined, 'badge')).json.schemaExtensions).toContainEqual({
        schema: BADGE,
        required: true,
      });
      expect((await call('GET', '/ResourceTypes/User', undefined, 'other')).json.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
      ]);
    });
  });

  describe('create and read', () => {
    it('stores every attribute type in its canonical JSON type and returns it', async () => {
      const created = await call('POST', '/Users', fullUser('types@acme.example'));
      expect(created.status).toBe(201);
      expect(created.json.schemas).toEqual([USER, ACME]);
      expect(created.json[ACME]).toEqual({
        licenseTier: 'pro',
        seats: 5,
        badges: ['gold', 'early'],
        office: { building: 'B1', floor: 3 },
        discount: 12.5,
        trial: true,
        renewsAt: '2027-01-31T12:00:00Z',
        portal: 'https://portal.acme.example/u/1',
        avatar: 'aGVsbG8=',
        devices: [{ value: 'lt-1', type: 'laptop', primary: true }],
      });
      const read = await call('GET', `/Users/${created.json.id}`);
      expect(read.json[ACME]).toEqual(created.json[ACME]);
    });

    it('accepts extension attributes as fully qualified top-level keys and in any case', async () => {
      const created = await call('POST', '/Users', {
        schemas: [USER],
        userName: 'flat@acme.example',
        [`${ACME}:SEATS`]: 7,
        [ACME.toUpperCase()]: { licensetier: 'free' },
      });
      expect(created.status).toBe(201);
      expect(created.json[ACME]).toEqual({ seats: 7, licenseTier: 'free' });
    });

    it('refuses values of the wrong type with 400 invalidValue naming the attribute', async () => {
      const wrong = await call('POST', '/Users', fullUser('wrong@acme.example', { seats: 'many' }));
      expect(wrong.status).toBe(400);
      expect(wrong.json).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining(`${ACME}:seats`) });
      const unknown = await call('POST', '/Users', fullUser('unknown@acme.example', { shoeSize: 44 }));
      expect(unknown.status).toBe(400);
      expect(unknown.json.detail).toContain(`${ACME}:shoeSize`);
    });

    it('accepts Entra roles with displayName as the role display', async () => {
      const created = await call('POST', '/Users', {
        schemas: [USER],
        userName: 'roles@acme.example',
        roles: [{ primary: false, type: 'WindowsAzureActiveDirectoryRole', displayName: 'Admin', value: 'Admin' }],
      });
      expect(created.status).toBe(201);
      expect(created.json.roles).toEqual([{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' }]);
    });

    it('keeps the Group extension to groups', async () => {
      const group = await call('POST', '/Groups', {
        schemas: [GROUP, ACME_GROUP],
        displayName: 'Finance',
        [ACME_GROUP]: { costCenter: 'CC-1' },
      });
      expect(group.status).toBe(201);
      expect(group.json[ACME_GROUP]).toEqual({ costCenter: 'CC-1' });
      const onUser = await call('POST', '/Users', { schemas: [USER], userName: 'g@acme.example', [ACME_GROUP]: { costCenter: 'x' } });
      expect(onUser.status).toBe(400);
    });
  });

  describe('PATCH in every Entra form', () => {
    let id: string;
    beforeAll(async () => {
      id = (await call('POST', '/Users', fullUser('patch@acme.example'))).json.id as string;
    });

    it('path-less Replace whose keys are URN-qualified attributes and sub-attributes', async () => {
      const patched = await patch(id, [
        { op: 'Replace', value: { [`${ACME}:seats`]: '9', [`${ACME}:office.floor`]: 4, [`${ACME}:trial`]: 'False', displayName: 'Pat' } },
      ]);
      expect(patched.status).toBe(200);
      expect(patched.json[ACME]).toMatchObject({ seats: 9, office: { building: 'B1', floor: 4 }, trial: false });
      expect(patched.json.displayName).toBe('Pat');
    });

    it('URN paths for single, multi-valued and complex attributes, add and remove', async () => {
      expect((await patch(id, [{ op: 'Add', path: `${ACME}:licenseTier`, value: 'enterprise' }])).json[ACME].licenseTier).toBe(
        'enterprise',
      );
      expect((await patch(id, [{ op: 'add', path: `${ACME}:badges`, value: ['platinum'] }])).json[ACME].badges).toEqual([
        'gold',
        'early',
        'platinum',
      ]);
      expect((await patch(id, [{ op: 'remove', path: `${ACME}:badges`, value: ['early'] }])).json[ACME].badges).toEqual([
        'gold',
        'platinum',
      ]);
      expect((await patch(id, [{ op: 'replace', path: `${ACME}:office`, value: { building: 'B7' } }])).json[ACME].office).toEqual({
        building: 'B7',
        floor: 4,
      });
      expect((await patch(id, [{ op: 'Remove', path: `${ACME}:avatar` }])).json[ACME].avatar).toBeUndefined();
      expect((await patch(id, [{ op: 'replace', path: `${ACME}:discount`, value: '7.25' }])).json[ACME].discount).toBe(7.25);
      expect((await patch(id, [{ op: 'replace', path: `${ACME}:renewsAt`, value: '2028-02-29T00:00:00Z' }])).json[ACME].renewsAt).toBe(
        '2028-02-29T00:00:00Z',
      );
    });

    it('the extension URN itself as path, its value an object of attributes', async () => {
      const patched = await patch(id, [{ op: 'replace', path: ACME, value: { portal: 'https://portal.acme.example/u/2', seats: 11 } }]);
      expect(patched.json[ACME]).toMatchObject({ portal: 'https://portal.acme.example/u/2', seats: 11, licenseTier: 'enterprise' });
    });

    it('value filters on a multi-valued extension attribute, creating the element as Entra expects', async () => {
      const updated = await patch(id, [{ op: 'replace', path: `${ACME}:devices[type eq "laptop"].value`, value: 'lt-2' }]);
      expect(updated.json[ACME].devices).toEqual([{ value: 'lt-2', type: 'laptop', primary: true }]);
      const added = await patch(id, [{ op: 'Add', path: `${ACME}:devices[type eq "phone"].value`, value: 'ph-1' }]);
      expect(added.json[ACME].devices).toEqual([
        { value: 'lt-2', type: 'laptop', primary: true },
        { value: 'ph-1', type: 'phone' },
      ]);
      const removed = await patch(id, [{ op: 'remove', path: `${ACME}:devices[value eq "lt-2"]` }]);
      expect(removed.json[ACME].devices).toEqual([{ value: 'ph-1', type: 'phone' }]);
    });

    it('refuses a wrong type and an unknown extension attribute without changing the user', async () => {
      const before = (await call('GET', `/Users/${id}`)).json;
      const wrong = await patch(id, [{ op: 'replace', path: `${ACME}:seats`, value: 'lots' }]);
      expect(wrong.status).toBe(400);
      const unknown = await patch(id, [{ op: 'replace', path: `${ACME}:shoeSize`, value: 44 }]);
      expect(unknown.status).toBe(400);
      expect(unknown.json.scimType).toBe('invalidPath');
      expect((await call('GET', `/Users/${id}`)).json).toEqual(before);
    });

    it('PUT replaces the extension attributes', async () => {
      const put = await call('PUT', `/Users/${id}`, {
        schemas: [USER, ACME],
        userName: 'patch@acme.example',
        [ACME]: { seats: 1, badges: ['solo'] },
      });
      expect(put.status).toBe(200);
      expect(put.json[ACME]).toEqual({ seats: 1, badges: ['solo'] });
      const cleared = await call('PUT', `/Users/${id}`, { schemas: [USER], userName: 'patch@acme.example' });
      expect(cleared.json[ACME]).toBeUndefined();
      expect(cleared.json.schemas).toEqual([USER]);
    });
  });

  describe('filters, sorting and projection', () => {
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      const rows: [string, Json][] = [
        [
          'f1',
          {
            licenseTier: 'free',
            seats: 1,
            office: { building: 'A', floor: 1 },
            trial: true,
            renewsAt: '2027-01-01T00:00:00Z',
            badges: ['x'],
            devices: [{ value: 'd1', type: 'laptop' }],
          },
        ],
        [
          'f2',
          {
            licenseTier: 'pro',
            seats: 20,
            office: { building: 'B', floor: 2 },
            trial: false,
            renewsAt: '2027-06-01T00:00:00Z',
            badges: ['y'],
            devices: [{ value: 'd2', type: 'phone' }],
          },
        ],
        ['f3', { licenseTier: 'PRO', seats: 3, office: { building: 'C', floor: 9 }, discount: 0.5, renewsAt: '2028-01-01T00:00:00Z' }],
      ];
      for (const [name, extension] of rows) {
        ids[name] = (await call('POST', '/Users', { schemas: [USER, ACME], userName: `${name}@filter.example`, [ACME]: extension })).json
          .id as string;
      }
    });
    const found = async (filter: string, extra = '') => {
      const response = await call('GET', `/Users?filter=${encodeURIComponent(`userName ew "@filter.example" and (${filter})`)}${extra}`);
      expect(response.status).toBe(200);
      return (response.json.Resources as Json[]).map((r) => r.userName as string);
    };

    it('compares every type by its own rules (case, numbers, instants, booleans, sub-attributes, value filters)', async () => {
      expect(await found(`${ACME}:licenseTier eq "pro"`)).toEqual(expect.arrayContaining(['f2@filter.example', 'f3@filter.example']));
      expect(await found(`${ACME}:seats gt 2`)).toHaveLength(2);
      expect(await found('seats ge 20')).toEqual(['f2@filter.example']);
      expect(await found(`${ACME}:office.building eq "c"`)).toEqual(['f3@filter.example']);
      expect(await found(`${ACME}:trial eq true`)).toEqual(['f1@filter.example']);
      expect(await found(`${ACME}:renewsAt lt "2027-03-01T00:00:00Z"`)).toEqual(['f1@filter.example']);
      expect(await found(`${ACME}:badges eq "y"`)).toEqual(['f2@filter.example']);
      expect(await found(`${ACME}:devices[type eq "phone" and value sw "d"]`)).toEqual(['f2@filter.example']);
      expect(await found(`${ACME}:discount pr`)).toEqual(['f3@filter.example']);
    });

    it('sorts by an extension attribute', async () => {
      const sorted = await call(
        'GET',
        `/Users?filter=${encodeURIComponent('userName ew "@filter.example"')}&sortBy=${ACME}:seats&sortOrder=descending`,
      );
      expect((sorted.json.Resources as Json[]).map((r) => r.userName)).toEqual([
        'f2@filter.example',
        'f3@filter.example',
        'f1@filter.example',
      ]);
    });

    it('projects with URN names, returned "request" only when asked', async () => {
      const only = await call('GET', `/Users/${ids.f1}?attributes=${ACME}:seats,${ACME}:office.floor`);
      expect(only.json).toEqual({ schemas: [USER, ACME], id: ids.f1, [ACME]: { seats: 1, office: { floor: 1 } } });
      const without = await call('GET', `/Users/${ids.f1}?excludedAttributes=${ACME}:office,${ACME}:badges`);
      expect(without.json[ACME].office).toBeUndefined();
      expect(without.json[ACME].badges).toBeUndefined();
      expect(without.json[ACME].seats).toBe(1);
      await patch(ids.f1 as string, [{ op: 'add', path: `${ACME}:secretNote`, value: 'n' }]);
      expect((await call('GET', `/Users/${ids.f1}`)).json[ACME].secretNote).toBeUndefined();
      expect((await call('GET', `/Users/${ids.f1}?attributes=${ACME}:secretNote`)).json[ACME]).toEqual({ secretNote: 'n' });
    });
  });

  describe('uniqueness "server" on an extension attribute', () => {
    it('is enforced like userName, found by key, and released by a change', async () => {
      const first = await call('POST', '/Users', { schemas: [USER, ACME], userName: 'cc1@acme.example', [ACME]: { costCode: 'CC-77' } });
      expect(first.status).toBe(201);
      const clash = await call('POST', '/Users', { schemas: [USER, ACME], userName: 'cc2@acme.example', [ACME]: { costCode: 'cc-77' } });
      expect(clash.status).toBe(409);
      expect(clash.json.scimType).toBe('uniqueness');
      const second = await call('POST', '/Users', { schemas: [USER], userName: 'cc2@acme.example' });
      expect((await patch(second.json.id as string, [{ op: 'replace', path: `${ACME}:costCode`, value: 'CC-77' }])).status).toBe(409);
      const byKey = await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:costCode eq "cc-77"`)}`);
      expect((byKey.json.Resources as Json[]).map((r) => r.id)).toEqual([first.json.id]);
      await patch(first.json.id as string, [{ op: 'replace', path: `${ACME}:costCode`, value: 'CC-78' }]);
      expect((await patch(second.json.id as string, [{ op: 'replace', path: `${ACME}:costCode`, value: 'CC-77' }])).status).toBe(200);
    });
  });

  describe('other tenants', () => {
    it('refuse the extension with 400 invalidValue and cannot filter on it', async () => {
      const sent = await call('POST', '/Users', fullUser('x@other.example'), 'other');
      expect(sent.status).toBe(400);
      expect(sent.json.scimType).toBe('invalidValue');
      const flat = await call('POST', '/Users', { schemas: [USER], userName: 'y@other.example', [`${ACME}:seats`]: 1 }, 'other');
      expect(flat.status).toBe(400);
      const filter = await call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:seats gt 1`)}`, undefined, 'other');
      expect(filter.status).toBe(400);
      expect(filter.json.scimType).toBe('invalidFilter');
    });
  });

  describe('a required extension and ignored unknown attributes (tenant "badge")', () => {
    it('requires the extension and its required attributes on create, PUT and PATCH', async () => {
      const none = await call('POST', '/Users', { schemas: [USER], userName: 'a@badge.example' }, 'badge');
      expect(none.status).toBe(400);
      expect(none.json.detail).toContain(BADGE);
      const half = await call('POST', '/Users', { schemas: [USER, BADGE], userName: 'a@badge.example', [BADGE]: { site: 'HQ' } }, 'badge');
      expect(half.status).toBe(400);
      expect(half.json.detail).toContain(`${BADGE}:badgeNumber`);
      const ok = await call(
        'POST',
        '/Users',
        { schemas: [USER, BADGE], userName: 'a@badge.example', [BADGE]: { badgeNumber: 'B-1' } },
        'badge',
      );
      expect(ok.status).toBe(201);
      const removed = await patch(ok.json.id as string, [{ op: 'remove', path: `${BADGE}:badgeNumber` }], 'badge');
      expect(removed.status).toBe(400);
      const put = await call('PUT', `/Users/${ok.json.id}`, { schemas: [USER], userName: 'a@badge.example' }, 'badge');
      expect(put.status).toBe(400);
    });

    it('drops attributes no schema of the tenant defines instead of refusing them', async () => {
      const created = await call(
        'POST',
        '/Users',
        {
          schemas: [USER, BADGE],
          userName: 'b@badge.example',
          favoriteColor: 'blue',
          emails: [{ value: 'b@badge.example', label: 'x' }],
          [BADGE]: { badgeNumber: 'B-2', shoeSize: 44 },
        },
        'badge',
      );
      expect(created.status).toBe(201);
      expect(created.json.favoriteColor).toBeUndefined();
      expect(created.json.emails).toEqual([{ value: 'b@badge.example' }]);
      expect(created.json[BADGE]).toEqual({ badgeNumber: 'B-2' });
      const patched = await patch(
        created.json.id as string,
        [
          { op: 'replace', path: 'favoriteColor', value: 'red' },
          { op: 'replace', value: { [`${ACME}:seats`]: 3, displayName: 'B' } },
        ],
        'badge',
      );
      expect(patched.status).toBe(200);
      expect(patched.json.displayName).toBe('B');
      expect(patched.json[ACME]).toBeUndefined();
    });
  });
});
