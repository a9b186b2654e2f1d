/**
 * Users over real HTTP on DynamoDB Local, with the request forms Microsoft Entra ID sends
 * (Microsoft's SCIM tutorial and the aadOptscim062020 page; see ../shared/reference).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jsonCaller, startTestStack, type Json, type TestStack } from '../support/local-stack';
import { ENTERPRISE, ERROR, PATCH_OP, USER } from '../support/urns';

let stack: TestStack;
const T = 'acme';

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T, 'contoso'] });
});
afterAll(async () => {
  await stack.stop();
});

const call = jsonCaller(() => stack, T);

/** Microsoft's tutorial create-user request, with the enterprise extension and Entra's nulls. */
function entraUser(userName: string, extra: Json = {}): Json {
  return {
    schemas: [USER, ENTERPRISE],
    externalId: `ext-${userName}`,
    userName,
    active: true,
    addresses: [{ primary: true, type: 'work', country: 'US', locality: 'Redmond', postalCode: '98052', streetAddress: null }],
    displayName: 'Test User',
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
    roles: [],
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Sales', organization: 'Contoso' },
    ...extra,
  };
}

const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

async function createUser(userName: string, extra: Json = {}): Promise<Json> {
  const response = await call('POST', '/Users', entraUser(userName, extra));
  expect(response.status).toBe(201);
  return response.json;
}

describe('create and read', () => {
  it('creates a user leniently and returns it with id, meta, Location and ETag', async () => {
    const response = await call('POST', '/Users', entraUser('Test_User_ab6490ee@contoso.com'));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/scim+json');
    const user = response.json;
    expect(user.id).toEqual(expect.any(String));
    expect(user.schemas).toEqual([USER, ENTERPRISE]);
    expect(user.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"' });
    expect(response.headers.get('location')).toBe(`${stack.baseUrl(T)}/Users/${user.id}`);
    expect(user.meta.location).toBe(response.headers.get('location'));
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(user.roles).toBeUndefined();
    expect(user.addresses[0]).toEqual({ primary: true, type: 'work', country: 'US', locality: 'Redmond', postalCode: '98052' });
    expect(user[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Sales', organization: 'Contoso' });

    const read = await call('GET', `/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(user);
  });

  it('answers 409 uniqueness for a duplicate userName, whatever its case', async () => {
    await createUser('dup@contoso.com');
    const response = await call('POST', '/Users', entraUser('DUP@contoso.com', { externalId: 'other' }));
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
  });

  it('coerces "True"/"False" to booleans on create', async () => {
    const user = await createUser('bools@contoso.com', { active: 'False', emails: [{ value: 'b@c.com', primary: 'True' }] });
    expect(user.active).toBe(false);
    expect(user.emails[0].primary).toBe(true);
  });

  it('rejects a user without userName with 400 invalidValue and stores nothing', async () => {
    const response = await call('POST', '/Users', { schemas: [USER], displayName: 'No Name' });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const list = await call('GET', '/Users?filter=displayName eq "No Name"');
    expect(list.json.totalResults).toBe(0);
  });

  it('answers 400 invalidSyntax for malformed JSON', async () => {
    const response = await stack.request(T, 'POST', '/Users', '{"schemas": [');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ scimType: 'invalidSyntax' });
  });

  it('answers 404 with a SCIM error for an unknown id', async () => {
    const response = await call('GET', '/Users/does-not-exist');
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ schemas: [ERROR], status: '404' });
  });
});

describe('filters', () => {
  let user: Json;
  beforeAll(async () => {
    user = await createUser('Filter.Me@contoso.com', { displayName: 'Filter Me', externalId: 'ext-filter-me' });
    await createUser('someone.else@contoso.com', { displayName: 'Someone Else' });
  });

  it.each([
    ['userName eq "Filter.Me@contoso.com"'],
    ['userName eq "filter.me@CONTOSO.com"'],
    ['USERNAME EQ "filter.me@contoso.com"'],
    ['externalId eq "ext-filter-me"'],
    ['displayName eq "filter me"'],
    ['emails[type eq "work"].value eq "Filter.Me@contoso.com"'],
    ['emails.value eq "filter.me@contoso.com"'],
    ['userName eq "Filter.Me@contoso.com" and active eq true'],
  ])('finds the user with %s', async (filter) => {
    const response = await call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(200);
    expect(response.json.totalResults).toBe(1);
    expect(response.json.Resources[0].id).toBe(user.id);
  });

  it('finds by id', async () => {
    const response = await call('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`);
    expect(response.json.Resources.map((u: Json) => u.id)).toEqual([user.id]);
  });

  it('accepts + for spaces in the query string', async () => {
    const response = await call('GET', '/Users?filter=userName+eq+%22Filter.Me%40contoso.com%22');
    expect(response.json.totalResults).toBe(1);
  });

  it('answers an unknown userName (Test Connection) with 200 and totalResults 0', async () => {
    const response = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "9b3ad4b6-26c6-4c0b-9a45-0d6c5a7e1c22"')}`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('answers a malformed filter with 400 invalidFilter', async () => {
    const response = await call('GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(response.status).toBe(400);
    expect(response.json.scimType).toBe('invalidFilter');
  });

  it('pages with startIndex and count', async () => {
    const all = await call('GET', '/Users?count=1000');
    const total = all.json.totalResults as number;
    expect(total).toBeGreaterThanOrEqual(2);
    const page = await call('GET', '/Users?startIndex=2&count=1');
    expect(page.json).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 1 });
    expect(page.json.Resources[0].id).toBe(all.json.Resources[1].id);
  });

  it('projects attributes', async () => {
    const response = await call('GET', `/Users/${user.id}?attributes=userName,name.givenName`);
    expect(response.json).toEqual({
      schemas: [USER, ENTERPRISE],
      id: user.id,
      userName: 'Filter.Me@contoso.com',
      name: { givenName: 'givenName' },
    });
  });
});

describe('PATCH in Entra forms', () => {
  it('applies a path-less Replace whose keys are paths, with booleans as strings', async () => {
    const user = await createUser('pathless@contoso.com');
    const response = await call(
      'PATCH',
      `/Users/${user.id}`,
      patch({
        op: 'Replace',
        value: {
          'name.givenName': 'Barbara',
          'name.familyName': 'Jensen',
          [`${ENTERPRISE}:employeeNumber`]: '42',
          active: 'False',
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.json.name).toEqual({ formatted: 'givenName familyName', givenName: 'Barbara', familyName: 'Jensen' });
    expect(response.json[ENTERPRISE].employeeNumber).toBe('42');
    expect(response.json.active).toBe(false);
    expect(response.headers.get('etag')).toBe('W/"2"');
  });

  it('adds exactly one element for value-filter paths with no match, leaving siblings alone', async () => {
    const user = await createUser('filtered@contoso.com', { addresses: [], phoneNumbers: [{ type: 'work', value: '1' }] });
    const response = await call(
      'PATCH',
      `/Users/${user.id}`,
      patch(
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' },
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@contoso.com' },
        { op: 'Add', path: 'roles[primary eq "True"].value', value: '{"id":"admin","value":"Admin"}' },
      ),
    );
    expect(response.status).toBe(200);
    const body = response.json;
    expect(body.phoneNumbers).toEqual([
      { type: 'work', value: '1' },
      { type: 'mobile', value: '+1 555 0199' },
    ]);
    expect(body.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield' }]);
    expect(body.emails).toEqual([{ primary: true, type: 'work', value: 'new@contoso.com' }]);
    expect(body.roles).toEqual([{ primary: true, value: '{"id":"admin","value":"Admin"}' }]);
  });

  it('sets and clears manager in its three forms', async () => {
    const boss = await createUser('boss@contoso.com');
    const user = await createUser('report@contoso.com');
    const bare = await call('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: 'manager', value: [{ $ref: null, value: boss.id }] }));
    expect(bare.json[ENTERPRISE].manager).toEqual({ value: boss.id });
    const urn = await call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'other-id' }));
    expect(urn.json[ENTERPRISE].manager).toEqual({ value: 'other-id' });
    const cleared = await call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }));
    expect(cleared.json[ENTERPRISE].manager).toBeUndefined();
    expect(cleared.json[ENTERPRISE].employeeNumber).toBe('701984');
  });

  it('soft-deprovisions with active=false: the user stays readable and filterable', async () => {
    const user = await createUser('leaver@contoso.com');
    const response = await call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(response.json.active).toBe(false);
    const read = await call('GET', `/Users/${user.id}`);
    expect(read.json.active).toBe(false);
    const filtered = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "leaver@contoso.com" and active eq false')}`);
    expect(filtered.json.totalResults).toBe(1);
  });

  it('accepts lower-case ops and removes by path', async () => {
    const user = await createUser('lower@contoso.com');
    const response = await call(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'remove', path: 'phoneNumbers[type eq "mobile"]' }, { op: 'replace', path: 'displayName', value: 'Lower' }),
    );
    expect(response.status).toBe(200);
    expect(response.json.phoneNumbers).toBeUndefined();
    expect(response.json.displayName).toBe('Lower');
  });

  it('rejects a change of id with 400 mutability and changes nothing', async () => {
    const user = await createUser('immutable@contoso.com');
    const response = await call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'id', value: 'x' }));
    expect(response.status).toBe(400);
    expect(response.json.scimType).toBe('mutability');
    expect((await call('GET', `/Users/${user.id}`)).json.meta.version).toBe('W/"1"');
  });

  it('rejects an unknown attribute path with 400 invalidPath', async () => {
    const user = await createUser('badpath@contoso.com');
    const response = await call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'favouriteColour', value: 'blue' }));
    expect(response.status).toBe(400);
    expect(response.json.scimType).toBe('invalidPath');
  });

  it('enforces userName uniqueness on PATCH', async () => {
    await createUser('taken@contoso.com');
    const user = await createUser('free@contoso.com');
    const response = await call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'userName', value: 'TAKEN@contoso.com' }));
    expect(response.status).toBe(409);
    expect(response.json.scimType).toBe('uniqueness');
  });
});

describe('PUT and DELETE', () => {
  it('replaces the whole user', async () => {
    const user = await createUser('put@contoso.com');
    const response = await call('PUT', `/Users/${user.id}`, { schemas: [USER], userName: 'put@contoso.com', displayName: 'Put Only' });
    expect(response.status).toBe(200);
    expect(response.json.displayName).toBe('Put Only');
    expect(response.json.emails).toBeUndefined();
    expect(response.json[ENTERPRISE]).toBeUndefined();
    expect(response.json.meta.created).toBe(user.meta.created);
  });

  it('honours If-Match', async () => {
    const user = await createUser('ifmatch@contoso.com');
    const stale = await stack.request(T, 'PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'displayName', value: 'x' }), {
      'If-Match': 'W/"7"',
    });
    expect(stale.status).toBe(412);
  });

  it('deletes with 204, then GET and DELETE answer 404', async () => {
    const user = await createUser('delete@contoso.com');
    expect((await call('DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect((await call('GET', `/Users/${user.id}`)).status).toBe(404);
    expect((await call('DELETE', `/Users/${user.id}`)).status).toBe(404);
    // The userName is free again.
    expect((await call('POST', '/Users', entraUser('delete@contoso.com'))).status).toBe(201);
  });
});

describe('races', () => {
  it('lets exactly one of 20 concurrent creates with one userName win; the others get 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call('POST', '/Users', entraUser(i % 2 ? 'race@contoso.com' : 'RACE@contoso.com'))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const found = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "race@contoso.com"')}`);
    expect(found.json.totalResults).toBe(1);
  });

  it('keeps both of two concurrent PATCHes of one user', async () => {
    const user = await createUser('two-patches@contoso.com');
    const [a, b] = await Promise.all([
      call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'title', value: 'Boss' })),
      call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'nickName', value: 'Bo' })),
    ]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    const after = await call('GET', `/Users/${user.id}`);
    expect(after.json).toMatchObject({ title: 'Boss', nickName: 'Bo', meta: { version: 'W/"3"' } });
  });
});

describe('tenants and tokens', () => {
  it('answers 401 with a SCIM error without a token or with a wrong one', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token']) {
      const response = await stack.request(T, 'GET', '/Users', undefined, { authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/scim+json');
      expect(response.body).toMatchObject({ schemas: [ERROR], status: '401' });
    }
  });

  it("refuses one tenant's token on another tenant's URL", async () => {
    const response = await stack.request('contoso', 'GET', '/Users', undefined, { authorization: `Bearer ${stack.token(T)}` });
    expect(response.status).toBe(403);
  });

  it('keeps tenants apart: same userName in two tenants, no cross reads', async () => {
    const mine = await createUser('shared.name@contoso.com');
    const theirs = await call('POST', '/Users', entraUser('shared.name@contoso.com'), 'contoso');
    expect(theirs.status).toBe(201);
    expect((await call('GET', `/Users/${mine.id}`, undefined, 'contoso')).status).toBe(404);
    const list = await call('GET', `/Users?filter=${encodeURIComponent('userName eq "shared.name@contoso.com"')}`, undefined, 'contoso');
    expect(list.json.Resources.map((u: Json) => u.id)).toEqual([theirs.json.id]);
  });
});
