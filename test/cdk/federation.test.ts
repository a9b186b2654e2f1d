/**
 * What workload identity federation changes in the template: the tenants' RFC 8414 metadata as
 * public GET routes of the token function (no authorizer, no API key), the deployment's extra JWKS
 * hosts in the environment of the functions that verify or store federated credentials, and
 * nothing granted: the token function reaches the JWKS hosts over the internet, outside any VPC,
 * with the same role as before.
 */
import { describe, expect, it } from '@jest/globals';
import { AUTHORIZATION_SERVER_METADATA_PATHS } from '../../functions/routes';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp, testStack, testTemplate } from './stack-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };
const resourcesOf = (stack: ScimStack) => testTemplate(stack).toJSON().Resources as Record<string, Resource>;
const idOf = (stack: ScimStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const environmentOf = (resources: Record<string, Resource>, id: string) =>
  ((resources[id]?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<
    string,
    unknown
  >;
const onboardingId = (resources: Record<string, Resource>) =>
  Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::Lambda::Function' && /onboardingFunction/.test(id)) ?? '';

describe('the RFC 8414 metadata routes', () => {
  const stack = testStack();
  const resources = resourcesOf(stack);
  const tokenFunctionId = idOf(stack, stack.tokenEndpoint.tokenFunction);

  it('are GET at both locations, without authorizer or API key, integrated with the token function', () => {
    expect(stack.tokenEndpoint.metadataMethods.map((method) => method.resource.path)).toEqual([...AUTHORIZATION_SERVER_METADATA_PATHS]);
    for (const method of stack.tokenEndpoint.metadataMethods) {
      const properties = resources[idOf(stack, method)]?.Properties ?? {};
      expect(properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'NONE', ApiKeyRequired: false });
      expect(properties.AuthorizerId).toBeUndefined();
      expect(JSON.stringify(properties.Integration)).toContain(tokenFunctionId);
    }
  });

  it('leave the token function outside any VPC, with no new grant (table access and tracing only)', () => {
    expect(resources[tokenFunctionId]?.Properties.VpcConfig).toBeUndefined();
    const roleId = (resources[tokenFunctionId]?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const actions = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat());
    expect(actions.length).toBeGreaterThan(0);
    // kms:Sign on the access-token signing key is the token function's own job (an identity grant since the
    // key policy delegates to tagged roles); federation adds nothing beside it.
    expect(actions.filter((action) => !/^(dynamodb|xray):/.test(action) && action !== 'kms:Sign')).toEqual([]);
  });

  it('give no function extra JWKS hosts by default', () => {
    expect(environmentOf(resources, tokenFunctionId).SCIM_FEDERATION_JWKS_HOSTS).toBeUndefined();
    expect(environmentOf(resources, onboardingId(resources)).SCIM_FEDERATION_JWKS_HOSTS).toBeUndefined();
  });
});

describe('federationJwksHosts', () => {
  it('reach the token function and the onboarding function as SCIM_FEDERATION_JWKS_HOSTS, and no resource function', () => {
    const stack = new ScimStack(testApp(), 'TestScimHosts', {
      tenants: TEST_TENANTS,
      endpoint: { federationJwksHosts: ['sts.example.com', 'idp.example.org:8443'] },
    });
    const resources = resourcesOf(stack);
    const hosts = 'sts.example.com,idp.example.org:8443';
    expect(environmentOf(resources, idOf(stack, stack.tokenEndpoint.tokenFunction)).SCIM_FEDERATION_JWKS_HOSTS).toBe(hosts);
    expect(environmentOf(resources, onboardingId(resources)).SCIM_FEDERATION_JWKS_HOSTS).toBe(hosts);
    expect(environmentOf(resources, idOf(stack, stack.endpoint.functions.users as never)).SCIM_FEDERATION_JWKS_HOSTS).toBeUndefined();
  });
});
