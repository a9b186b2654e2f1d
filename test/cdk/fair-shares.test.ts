/**
 * Fair shares in the synthesized template (issue #28): the authorizer and the token function have
 * reserved concurrency (so no tenant's load on the other functions starves them), and the functions
 * behind API Gateway time out before its 29 s integration timeout.
 */
import { describe, expect, it } from '@jest/globals';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp, testStack, testTemplate } from './stack-fixture';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const functionsOf = (resources: Resources) =>
  Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.includes('Provider'));
const find = (resources: Resources, name: RegExp) => functionsOf(resources).find(([id]) => name.test(id))?.[1].Properties;

describe('fair shares', () => {
  const resources = testTemplate(testStack()).toJSON().Resources as Resources;

  it('reserves concurrency for the authorizer (50) and the token function (10) by default', () => {
    expect(find(resources, /authorizerFunction/)?.ReservedConcurrentExecutions).toBe(50);
    expect(find(resources, /tokenFunction/)?.ReservedConcurrentExecutions).toBe(10);
    // The resource functions share the account's unreserved pool.
    expect(find(resources, /usersFunction/)?.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('times out every function behind API Gateway before its 29 s integration timeout', () => {
    for (const name of [
      /usersFunction/,
      /groupsFunction/,
      /searchFunction/,
      /bulkFunction/,
      /discoveryFunction/,
      /authorizerFunction/,
      /tokenFunction/,
    ]) {
      expect({ name: String(name), timeout: find(resources, name)?.Timeout }).toEqual({ name: String(name), timeout: expect.any(Number) });
      expect(find(resources, name)?.Timeout as number).toBeLessThan(29);
    }
  });

  it('reserves nothing when told not to (accounts below 150 concurrent executions)', () => {
    const stack = new ScimStack(testApp(), 'NoReserve', { tenants: TEST_TENANTS, endpoint: { authorizerReservedConcurrency: false } });
    const own = testTemplate(stack).toJSON().Resources as Resources;
    expect(find(own, /authorizerFunction/)?.ReservedConcurrentExecutions).toBeUndefined();
  });
});
