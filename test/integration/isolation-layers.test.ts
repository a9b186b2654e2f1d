/**
 * Tenant isolation, one layer at a time (issue #28). Over HTTP both layers answer the same 403, so a
 * test through the gateway passes with either one broken; here each is tested on its own:
 *  - the authorizer (functions/authorizer.ts), invoked directly: for every credential kind the policy
 *    it returns allows the credential's tenant's paths and no path of another tenant;
 *  - the handlers (functions/http/request.ts), invoked directly with an event whose authorizer context
 *    names another tenant than its path: refused with 403 on every route, nothing read or written.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { addClient } from '../../functions/credentials/client-service';
import { routes, TENANT_BASE_PATH } from '../../functions/routes';
import { functionLoader, lambdaContext } from '../../local/functions';
import { methodArn, toProxyEvent, type GatewayRequest } from '../../local/http-event';
import { policyAllows } from '../../local/policy';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { GROUP, USER } from '../support/urns';

const A = 'alpha';
const B = 'beta';

let stack: TestStack;
let userOfA: Json;
let userOfB: Json;
let groupOfB: Json;
const functions = functionLoader();

const call = async (tenant: string, method: string, path: string, body?: unknown) => {
  const response = await stack.request(tenant, method, path, body);
  return { ...response, json: response.body as Json };
};

/** Every credential kind the authorizer accepts, as a bearer value for tenant A. */
const credentialsOfA: Record<string, () => Promise<string>> = {
  'secret token': async () => stack.token(A),
  'access token': async () => {
    const client = await addClient(stack.stack.db, A);
    const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/${A}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }).toString(),
    });
    expect(response.status).toBe(200);
    return String(((await response.json()) as Json).access_token);
  },
};

const concretePaths = (tenantId: string) =>
  routes.flatMap((route) =>
    route.methods.map((method) => ({
      method,
      path: `/tenants/${tenantId}/scim/v2${route.path.replace('{id}', 'some-id')}`,
    })),
  );

beforeAll(async () => {
  stack = await startTestStack({ tenants: [A, B] });
  userOfA = (await call(A, 'POST', '/Users', { schemas: [USER], userName: 'a@alpha.example' })).json;
  userOfB = (await call(B, 'POST', '/Users', { schemas: [USER], userName: 'b@beta.example' })).json;
  groupOfB = (await call(B, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Beta team' })).json;
});
afterAll(async () => stack.stop());

describe('layer 1: the authorizer policy', () => {
  it.each(Object.keys(credentialsOfA))("the policy Resource for the %s names only the credential's tenant", async (kind) => {
    const credential = await (credentialsOfA[kind] as () => Promise<string>)();
    const authorizer = await functions.authorizer();
    const result = (await authorizer(
      { type: 'TOKEN', authorizationToken: `Bearer ${credential}`, methodArn: methodArn('GET', `/tenants/${A}/scim/v2/Users`) },
      lambdaContext('authorizer', randomUUID()),
    )) as APIGatewayAuthorizerResult;
    expect(result.context?.tenantId).toBe(A);
    const statements = result.policyDocument.Statement as { Resource?: string | string[] }[];
    const resources = statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? '']));
    for (const resource of resources) expect(resource).toContain(`/tenants/${A}/`);
    for (const { method, path } of concretePaths(A)) expect(policyAllows(result.policyDocument, methodArn(method, path))).toBe(true);
    for (const { method, path } of [...concretePaths(B), ...concretePaths(`${A}x`)]) {
      expect({ method, path, allowed: policyAllows(result.policyDocument, methodArn(method, path)) }).toEqual({
        method,
        path,
        allowed: false,
      });
    }
  });
});

describe('layer 2: the handler checks the authorizer context against the path', () => {
  const functionOf = (path: string) => routes.find((r) => r.path === path)?.function ?? 'users';
  const cases = routes.flatMap((route) => route.methods.map((method) => [method, route.path] as const));

  /** An event for B's URL whose authorizer context is A's (as if the authorizer's policy were too wide). */
  const crossEvent = (method: string, path: string, body: unknown) => {
    const id = path.startsWith('/Groups')
      ? String(groupOfB.id)
      : path.startsWith('/Users')
        ? String(userOfA.id)
        : 'urn:ietf:params:scim:schemas:core:2.0:User';
    const rawPath = `/tenants/${B}/scim/v2${path.replace('{id}', id)}`;
    const request: GatewayRequest = {
      method,
      rawPath,
      rawQuery: '',
      rawHeaders: ['Host', `127.0.0.1:${stack.stack.port}`, 'Content-Type', 'application/scim+json'],
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      sourceIp: '127.0.0.1',
      serverPort: stack.stack.port,
      requestId: randomUUID(),
      receivedAt: new Date(),
    };
    const pathParameters: Record<string, string> = { tenantId: B, ...(path.includes('{id}') ? { id } : {}) };
    return toProxyEvent(request, { resource: `${TENANT_BASE_PATH}${path}`, pathParameters }, { tenantId: A });
  };

  it.each(cases)("an event for B's path with A in the authorizer context is refused: %s %s", async (method, path) => {
    const body = method === 'GET' || method === 'DELETE' ? undefined : { schemas: [USER], userName: 'intruder@alpha.example' };
    const before = JSON.stringify([(await call(A, 'GET', '/Users')).json.Resources, (await call(B, 'GET', '/Users')).json.Resources]);
    const handler = await functions.proxy(functionOf(path));
    const result = (await handler(crossEvent(method, path, body), lambdaContext(functionOf(path), randomUUID()))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(result.body).not.toContain('a@alpha.example');
    const after = JSON.stringify([(await call(A, 'GET', '/Users')).json.Resources, (await call(B, 'GET', '/Users')).json.Resources]);
    expect(after).toBe(before);
  });

  it('the same event with B in the authorizer context is served (the refusal is about the tenant, not the event)', async () => {
    const event = crossEvent('GET', '/Users/{id}', undefined);
    const own = {
      ...event,
      pathParameters: { tenantId: B, id: String(userOfB.id) },
      requestContext: { ...event.requestContext, authorizer: { tenantId: B } },
    };
    const result = (await (await functions.proxy('users'))(own, lambdaContext('users', randomUUID()))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).userName).toBe('b@beta.example');
  });
});
