/**
 * The admin API in the synthesized template: `/admin/v1/{proxy+}` is AWS_IAM (no authorizer, no
 * API key) and reaches the admin function; every SCIM method keeps the TOKEN authorizer, so IAM
 * credentials alone open none of them; the token endpoint alone authenticates in its function.
 */
import { describe, expect, it } from '@jest/globals';
import { testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** `/tenants/{tenantId}/scim/v2/Users` for a resource's logical id, following ParentId up to the root. */
function pathOf(resourceId: string): string {
  const resource = resources[resourceId];
  if (!resource) return '';
  const parent = resource.Properties.ParentId as { Ref?: string } | undefined;
  return `${parent?.Ref ? pathOf(parent.Ref) : ''}/${String(resource.Properties.PathPart)}`;
}

const methods = ofType('AWS::ApiGateway::Method').map(([id, method]) => {
  const resource = (method.Properties.ResourceId as { Ref?: string }).Ref;
  return { id, path: resource ? pathOf(resource) : '/', ...method.Properties } as Record<string, unknown> & { id: string; path: string };
});
const adminFunctionId = stack.getLogicalId(stack.endpoint.adminApi.adminFunction.node.defaultChild as never);

describe('admin API in the template', () => {
  it('is one AWS_IAM method on /admin/v1/{proxy+}, without authorizer or API key, integrated with the admin function', () => {
    const admin = methods.filter((m) => m.path.startsWith('/admin'));
    expect(admin.map((m) => [m.path, m.HttpMethod, m.AuthorizationType])).toEqual([['/admin/v1/{proxy+}', 'ANY', 'AWS_IAM']]);
    expect(admin[0]?.AuthorizerId).toBeUndefined();
    expect(admin[0]?.ApiKeyRequired).not.toBe(true);
    expect(JSON.stringify(admin[0]?.Integration)).toContain(adminFunctionId);
  });

  it('leaves every SCIM method behind the TOKEN authorizer: IAM alone opens none', () => {
    const scim = methods.filter((m) => m.path.includes('/scim/v2'));
    expect(scim.length).toBeGreaterThanOrEqual(13);
    for (const method of scim) {
      expect([method.path, method.AuthorizationType]).toEqual([method.path, 'CUSTOM']);
      expect(method.AuthorizerId).toBeDefined();
    }
    // IAM opens nothing else either: the admin method is the only AWS_IAM one (the public routes —
    // token endpoint, SSF metadata — authenticate in their functions or are public by design).
    expect(methods.filter((m) => m.AuthorizationType === 'AWS_IAM').map((m) => m.path)).toEqual(['/admin/v1/{proxy+}']);
  });

  it('gives the admin function the table and no secret in its environment', () => {
    const variables = (resources[adminFunctionId]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toContain('TABLE_NAME');
    expect(JSON.stringify(variables)).not.toMatch(/scim_[A-Za-z0-9_-]{43}|scimadm_/);
  });
});
