/**
 * Tenant isolation on every route, hostile inputs, fuzzed bodies and filters, and DynamoDB
 * throttling/faults injected at the SDK client (and, for the authorizer, which reads without the
 * SDK, at a proxy in front of DynamoDB Local): never a 5xx for bad input, never a changed or
 * foreign record.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { documentClient } from '../../functions/store/dynamodb-client';
import { routes } from '../../functions/routes';
import { generateToken } from '../../functions/credentials/secret-token';
import { scimJson } from '../support/arbitraries';
import { startAwsProxy } from '../support/aws-proxy';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, PATCH_OP, USER } from '../support/urns';

const A = 'alpha';
const B = 'beta';

let stack: TestStack;
let userOfA: Json;
let groupOfA: Json;
let userOfB: Json;
let groupOfB: Json;

const call = async (tenant: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
  const response = await stack.request(tenant, method, path, body, headers);
  return { ...response, json: response.body as Json };
};
const snapshot = async (tenant: string) => {
  const users = await call(tenant, 'GET', '/Users?count=1000');
  const groups = await call(tenant, 'GET', '/Groups?count=1000');
  return JSON.stringify([users.json.Resources, groups.json.Resources]);
};

beforeAll(async () => {
  // As deployed: authorizer decisions cached per token, which must still never open another tenant.
  stack = await startTestStack({ tenants: [A, B], authorizerCacheSeconds: 300 });
  userOfA = (await call(A, 'POST', '/Users', { schemas: [USER], userName: 'a@alpha.example' })).json;
  groupOfA = (await call(A, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Alpha team', members: [{ value: userOfA.id }] })).json;
  userOfB = (await call(B, 'POST', '/Users', { schemas: [USER], userName: 'b@beta.example' })).json;
  groupOfB = (await call(B, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Beta team' })).json;
});
afterAll(async () => stack.stop());

describe('tenant isolation', () => {
  const cases = routes.flatMap((route) => route.methods.map((method) => [method, route.path] as const));

  it.each(cases)("refuses A's token on B's URL: %s %s", async (method, path) => {
    const concrete = path.replace(
      '{id}',
      path.startsWith('/Groups')
        ? String(groupOfB.id)
        : path.startsWith('/Users')
          ? String(userOfB.id)
          : 'urn:ietf:params:scim:schemas:core:2.0:User',
    );
    const body = method === 'GET' || method === 'DELETE' ? undefined : { schemas: [USER], userName: 'intruder@alpha.example' };
    const before = await snapshot(B);
    const response = await call(B, method, concrete, body, { authorization: `Bearer ${stack.token(A)}` });
    expect(response.status).toBe(403);
    expect(response.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(await snapshot(B)).toBe(before);
  });

  it.each([
    ['GET', 'Users'],
    ['PUT', 'Users'],
    ['PATCH', 'Users'],
    ['DELETE', 'Users'],
    ['GET', 'Groups'],
    ['PUT', 'Groups'],
    ['PATCH', 'Groups'],
    ['DELETE', 'Groups'],
  ])("answers 404 to B for A's ids: %s /%s/{A's id}", async (method, type) => {
    const id = type === 'Users' ? userOfA.id : groupOfA.id;
    const body =
      method === 'PUT'
        ? type === 'Users'
          ? { schemas: [USER], userName: 'x@beta.example' }
          : { schemas: [GROUP], displayName: 'x' }
        : method === 'PATCH'
          ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'hijacked' }] }
          : undefined;
    const before = await snapshot(A);
    const response = await call(B, method, `/${type}/${id}`, body);
    expect(response.status).toBe(404);
    expect(await snapshot(A)).toBe(before);
  });

  it("never finds A's resources through B's filters or memberships", async () => {
    expect((await call(B, 'GET', `/Users?filter=${encodeURIComponent(`id eq "${userOfA.id}"`)}`)).json.totalResults).toBe(0);
    expect((await call(B, 'GET', `/Users?filter=${encodeURIComponent('userName eq "a@alpha.example"')}`)).json.totalResults).toBe(0);
    expect((await call(B, 'GET', `/Users?filter=${encodeURIComponent(`groups.value eq "${groupOfA.id}"`)}`)).json.totalResults).toBe(0);
    const link = await call(B, 'PATCH', `/Groups/${groupOfB.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: userOfA.id }] }],
    });
    expect(link.status).toBe(400);
  });

  it("refuses an ETag of A's resource as a precondition on B's (versions are per resource)", async () => {
    const response = await call(
      B,
      'PATCH',
      `/Users/${userOfB.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
      { 'If-Match': 'W/"999"' },
    );
    expect(response.status).toBe(412);
  });

  it('answers a sequential DELETE of a group with a stale If-Match 412 and keeps the group', async () => {
    const group = (await call(B, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Stale etag' })).json;
    const staleEtag = String(group.meta.version);
    const changed = await call(B, 'PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Stale etag, renamed' }],
    });
    expect(changed.status).toBeLessThan(300);
    const current = (await call(B, 'GET', `/Groups/${group.id}`)).json;
    expect(current.meta.version).not.toBe(staleEtag);
    const refused = await call(B, 'DELETE', `/Groups/${group.id}`, undefined, { 'If-Match': staleEtag });
    expect(refused.status).toBe(412);
    expect((await call(B, 'GET', `/Groups/${group.id}`)).json.displayName).toBe('Stale etag, renamed');
    expect((await call(B, 'DELETE', `/Groups/${group.id}`, undefined, { 'If-Match': String(current.meta.version) })).status).toBe(204);
  });
});

describe('hostile inputs', () => {
  const raw = async (method: string, path: string, body: string | Uint8Array, contentType = 'application/scim+json') => {
    const response = await fetch(stack.baseUrl(A) + path, {
      method,
      headers: { authorization: `Bearer ${stack.token(A)}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, json: (await response.json().catch(() => ({}))) as Json };
  };

  it.each([
    [
      'a body over 1 MB',
      413,
      () => raw('POST', '/Users', JSON.stringify({ schemas: [USER], userName: 'big@x', title: 'x'.repeat(1_100_000) })),
    ],
    ['deeply nested JSON', 400, () => raw('POST', '/Users', `${'['.repeat(50_000)}${']'.repeat(50_000)}`)],
    [
      // A PATCH of A's real user: "changes nothing" means the user is as it was, not that a missing id stayed missing.
      'a deeply nested attribute value',
      400,
      () =>
        raw(
          'PATCH',
          `/Users/${userOfA.id}`,
          JSON.stringify({
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'title', value: JSON.parse(`${'['.repeat(500)}"x"${']'.repeat(500)}`) }],
          }),
        ),
    ],
    [
      'invalid UTF-8',
      400,
      () =>
        raw(
          'POST',
          '/Users',
          Buffer.concat([Buffer.from('{"schemas":["' + USER + '"],"userName":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
        ),
    ],
    ['not JSON', 400, () => raw('POST', '/Users', '{"schemas": [', 'application/json')],
    ['a JSON string', 400, () => raw('POST', '/Users', '"just a string"')],
    ['text/plain', 400, () => raw('POST', '/Users', 'userName=x', 'text/plain')],
  ])('answers %s with %i and changes nothing', async (_name, status, send) => {
    const before = await snapshot(A);
    expect(before).toContain(String(userOfA.id));
    const response = await send();
    expect(response.status).toBe(status);
    expect(await snapshot(A)).toBe(before);
  });

  it.each([
    ['a 10,000-character filter', 400, `/Users?filter=${encodeURIComponent(`userName eq "${'a'.repeat(10_000)}"`)}`],
    ['a filter nested 1,000 deep', 400, `/Users?filter=${encodeURIComponent(`${'('.repeat(1000)}userName eq "a"${')'.repeat(1000)}`)}`],
    ['path traversal in an id', 404, '/Users/..%2F..%2Fetc%2Fpasswd'],
    ['a NUL in an id', 404, '/Users/%00'],
    ['a 5,000-character id', 404, `/Users/${'x'.repeat(5000)}`],
    ['a negative huge startIndex', 400, '/Users?startIndex=-99999999999999999999'],
    ['an unknown query parameter', 200, '/Users?aadOptscim062020=true&count=1'],
  ])('answers %s with %i', async (_name, status, path) => {
    const response = await call(A, 'GET', path);
    expect(response.status).toBe(status);
    expect(response.json.schemas).toBeDefined();
  });
});

describe('fuzzing (fast-check)', () => {
  const scimish = scimJson;
  const attributeName = fc.constantFrom(
    'userName',
    'name',
    'emails',
    'active',
    'phoneNumbers',
    'roles',
    'manager',
    'groups',
    'meta',
    'id',
    'password',
    'x509Certificates',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'unknownAttr',
  );

  it('never answers a random create with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(attributeName, scimish, { maxKeys: 6 }), fc.boolean(), async (attributes, withSchemas) => {
        const body = withSchemas ? { schemas: [USER], userName: `fuzz-${Math.random()}@x`, ...attributes } : attributes;
        const response = await call(A, 'POST', '/Users', body);
        expect(response.status).toBeLessThan(500);
        if (response.status === 201) await call(A, 'DELETE', `/Users/${response.json.id}`);
      }),
      { numRuns: 60 },
    );
  });

  it('never answers a random PATCH with a 5xx, and a refused one changes nothing', async () => {
    const target = (
      await call(A, 'POST', '/Users', { schemas: [USER], userName: 'fuzz-target@x', emails: [{ value: 'f@x', type: 'work' }] })
    ).json;
    const path = fc.oneof(
      fc.constantFrom(
        'title',
        'emails[type eq "work"].value',
        'name.givenName',
        'manager',
        'roles[primary eq "True"].value',
        'members',
        'id',
        'meta.created',
        'emails[value co',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      ),
      fc.string(),
    );
    const operation = fc.record({
      op: fc.constantFrom('add', 'Replace', 'remove', 'bogus'),
      path: fc.option(path, { nil: undefined }),
      value: fc.option(scimish, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 3 }), async (operations) => {
        const before = await call(A, 'GET', `/Users/${target.id}`);
        const response = await call(A, 'PATCH', `/Users/${target.id}`, { schemas: [PATCH_OP], Operations: operations });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect((await call(A, 'GET', `/Users/${target.id}`)).json).toEqual(before.json);
      }),
      { numRuns: 80 },
    );
  });

  it('never answers a random filter with a 5xx', async () => {
    const token = fc.constantFrom(
      'userName',
      'emails',
      'emails.value',
      '[',
      ']',
      '(',
      ')',
      'eq',
      'co',
      'pr',
      'and',
      'or',
      'not',
      '"x"',
      'true',
      'null',
      '42',
      ' ',
      '.',
      'name.givenName',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(token, { maxLength: 12 }).map((t) => t.join(' ')),
          fc.string(),
        ),
        async (filter) => {
          const response = await call(A, 'GET', `/Users?filter=${encodeURIComponent(filter)}`);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('DynamoDB throttling and faults (injected at the SDK client)', () => {
  let failures: { remaining: number; name: string; attempts: number } = { remaining: 0, name: '', attempts: 0 };
  beforeAll(() => {
    // Below the SDK's retry middleware: each attempt meets the injected error, as it would from DynamoDB.
    documentClient().middlewareStack.add(
      (next) => async (args) => {
        failures.attempts += 1;
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          const error = Object.assign(new Error(`injected ${failures.name}`), {
            name: failures.name,
            $fault: 'server',
            $metadata: { httpStatusCode: failures.name === 'ProvisionedThroughputExceededException' ? 400 : 500 },
          });
          throw error;
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'injectFaults', priority: 'low' },
    );
  });
  afterEach(() => {
    failures = { remaining: 0, name: '', attempts: 0 };
  });

  it('retries a throttled call and succeeds', async () => {
    failures = { remaining: 2, name: 'ProvisionedThroughputExceededException', attempts: 0 };
    const response = await call(A, 'GET', `/Users/${userOfA.id}`);
    expect(response.status).toBe(200);
    expect(failures.attempts).toBeGreaterThanOrEqual(3);
  });

  it('answers 429 with Retry-After when throttling persists', async () => {
    failures = { remaining: 1000, name: 'ProvisionedThroughputExceededException', attempts: 0 };
    const response = await call(A, 'GET', `/Users/${userOfA.id}`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.json).toMatchObject({ status: '429' });
  });

  it('answers 503 with Retry-After when the authorizer cannot read DynamoDB', async () => {
    // A token the authorizer has not cached yet: its GetItem meets the outage and the authorizer
    // throws, which API Gateway answers with AUTHORIZER_CONFIGURATION_ERROR (configured as 503).
    // The authorizer reads without the SDK (store/lean-table.ts): the outage is a proxy answering
    // 500, for as long as the request takes. Nothing else may read DynamoDB meanwhile (the
    // handlers' client is the one checked below, so a rebuilt one would fail the test).
    const handlersClient = documentClient();
    const proxy = await startAwsProxy(stack.stack.dynamoEndpoint);
    proxy.fail(1000, 500, 'InternalServerError');
    process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
    let response;
    try {
      response = await call(A, 'GET', '/Users', undefined, { authorization: `Bearer ${generateToken()}` });
    } finally {
      process.env.DYNAMODB_ENDPOINT = stack.stack.dynamoEndpoint;
      await proxy.stop();
    }
    expect(documentClient()).toBe(handlersClient);
    // Each attempt the SDK would make (DYNAMODB_MAX_ATTEMPTS, 4) met the outage.
    expect(proxy.targets).toEqual(Array(4).fill('DynamoDB_20120810.GetItem'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
  });

  it('answers 503 with Retry-After when DynamoDB keeps failing, and writes nothing', async () => {
    const before = await snapshot(A);
    failures = { remaining: 1000, name: 'InternalServerError', attempts: 0 };
    const response = await call(A, 'POST', '/Users', { schemas: [USER], userName: 'during-outage@alpha.example' });
    failures = { remaining: 0, name: '', attempts: 0 };
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await snapshot(A)).toBe(before);
  });
});
