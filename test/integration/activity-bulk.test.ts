/**
 * A POST /Bulk that succeeds (200) with failed operations inside (issue #25): each failed operation
 * is recorded on its own, like a failed request — route, resource, status, scimType, reason, the
 * credential and request, `bulk: true` — beside the records of the operations that succeeded.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { tenantActivity } from '../../functions/activity/activity-service';
import { hashToken } from '../../functions/credentials/secret-token';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { PATCH_OP, USER } from '../support/urns';

const T = 'acme';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ tenants: [T] });
});
afterAll(async () => stack.stop());

it('records every failed operation of a successful Bulk individually', async () => {
  const taken = (await stack.request(T, 'POST', '/Users', { schemas: [USER], userName: 'taken@example.com' })).body as Json;
  const response = await stack.request(T, 'POST', '/Bulk', {
    schemas: [BULK],
    Operations: [
      { method: 'POST', bulkId: 'ok', path: '/Users', data: { schemas: [USER], userName: 'fresh@example.com' } },
      { method: 'POST', bulkId: 'dup', path: '/Users', data: { schemas: [USER], userName: 'taken@example.com' } },
      {
        method: 'PATCH',
        path: '/Users/00000000-0000-4000-8000-000000000000',
        data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] },
      },
      { method: 'PUT', path: `/Users/${String(taken.id)}`, data: { schemas: [USER] } },
    ],
  });
  expect(response.status).toBe(200);
  const statuses = ((response.body as Json).Operations as Json[]).map((operation) => operation.status);
  expect(statuses).toEqual(['201', '409', '404', '400']);

  await stack.stack.drainStreams();
  const records = (await tenantActivity(stack.stack.db, T, { outcome: 'failure', limit: 50 })).records;
  const credentialId = `tok_${hashToken(stack.token(T)).slice(0, 12)}`;
  const byRoute = (route: string) => records.filter((record) => record.route === route);
  expect(byRoute('POST /Users')).toEqual([
    expect.objectContaining({
      operation: 'create',
      resourceType: 'User',
      identifier: 'taken@example.com',
      status: 409,
      scimType: 'uniqueness',
      reason: 'uniqueness',
      bulk: true,
      credentialId,
    }),
  ]);
  expect(byRoute('PATCH /Users/{id}')).toEqual([
    expect.objectContaining({
      operation: 'patch',
      resourceId: '00000000-0000-4000-8000-000000000000',
      status: 404,
      reason: 'not_found',
      bulk: true,
    }),
  ]);
  expect(byRoute('PUT /Users/{id}')).toEqual([
    expect.objectContaining({
      operation: 'replace',
      resourceId: String(taken.id),
      status: 400,
      reason: 'invalid_request_body',
      bulk: true,
    }),
  ]);
  expect(records).toHaveLength(3);
  // One request id for all of them: the Bulk request's.
  expect(new Set(records.map((record) => record.requestId)).size).toBe(1);
  // The operation that succeeded is recorded from the stream, as every write.
  const created = (await tenantActivity(stack.stack.db, T, { outcome: 'success', limit: 50 })).records.filter(
    (r) => r.identifier === 'fresh@example.com',
  );
  expect(created).toEqual([expect.objectContaining({ operation: 'create', bulk: true })]);
});
