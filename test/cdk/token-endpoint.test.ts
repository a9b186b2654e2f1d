/**
 * The OAuth pieces of the synthesized template: the signing key and its policy (sign: the token
 * function only; public key: the authorizer only), the token route without the authorizer and
 * with its own throttle, the functions' configuration, and nothing per tenant (no output, no secret).
 */
import { describe, expect, it } from '@jest/globals';
import { TOKEN_ENDPOINT_PATH } from '../../functions/routes';
import { SIGNING_KEY_ROLE_TAG } from '../../lib/role-tagged-key';
import { TEST_TENANTS, testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

const keyId = idOf(stack.tokenEndpoint.signingKey);
const tokenFunctionId = idOf(stack.tokenEndpoint.tokenFunction);
const authorizerId = idOf(stack.endpoint.functions.authorizer as never);
const roleOf = (functionId: string) => (resources[functionId]?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Principal?: { AWS?: unknown };
  readonly Condition?: Record<string, Record<string, string>>;
  readonly Resource?: unknown;
}
const keyStatements = (resources[keyId]?.Properties.KeyPolicy as { Statement: Statement[] }).Statement;

/** IAM wildcard match of an action pattern against an action. */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i').test(action);
const principalsAllowed = (action: string) =>
  keyStatements
    .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => covers(a, action)))
    .map((s) => JSON.stringify(s.Principal));

describe('signing key', () => {
  it('is an ECC_NIST_P256 SIGN_VERIFY KMS key, kept when the stack goes', () => {
    expect(resources[keyId]?.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect((template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)[keyId]?.DeletionPolicy).toBe('Retain');
  });

  /** The tag value the key policy requires of principals for an action. */
  const requiredTag = (action: string): string[] =>
    keyStatements
      .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => covers(a, action)))
      .map((s) => s.Condition?.StringEquals?.[`aws:PrincipalTag/${SIGNING_KEY_ROLE_TAG}`] ?? 'no tag condition');
  const tagOf = (roleId: string): string | undefined =>
    asList(resources[roleId]?.Properties.Tags as { Key: string; Value: string }[] | undefined).find((t) => t.Key === SIGNING_KEY_ROLE_TAG)
      ?.Value;
  const rolesWithTag = (value: string) =>
    ofType('AWS::IAM::Role')
      .filter(([id]) => tagOf(id) === value)
      .map(([id]) => id);
  /** Roles whose identity policies allow the action on the key. */
  const rolesGranted = (action: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) =>
        (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
          (s) => asList(s.Action).includes(action) && JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }),
        ),
      )
      .flatMap(([, p]) => asList(p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));

  it('lets only the token function sign: the only role with the sign tag and the grant', () => {
    const [tag, ...others] = requiredTag('kms:Sign');
    expect(others).toEqual([]);
    expect(tag).toMatch(/:sign$/);
    expect(rolesWithTag(tag as string)).toEqual([roleOf(tokenFunctionId)]);
    expect(rolesGranted('kms:Sign')).toEqual([roleOf(tokenFunctionId)]);
  });

  it('lets only the authorizer read the public key: the only role with the verify tag and the grant', () => {
    const [tag, ...others] = requiredTag('kms:GetPublicKey');
    expect(others).toEqual([]);
    expect(tag).toMatch(/:verify$/);
    expect(rolesWithTag(tag as string)).toEqual([roleOf(authorizerId)]);
    expect(rolesGranted('kms:GetPublicKey')).toEqual([roleOf(authorizerId)]);
  });

  it('names no role in its policy, so a destroy and redeploy (new roles) keeps it usable', () => {
    const policy = JSON.stringify(resources[keyId]?.Properties.KeyPolicy);
    for (const [roleId] of ofType('AWS::IAM::Role')) expect(policy).not.toContain(`"${roleId}"`);
    for (const statement of keyStatements) expect(JSON.stringify(statement.Principal)).not.toContain(':role/');
  });

  it('leaves the account key administration, and nobody verify, encrypt or decrypt with it', () => {
    for (const action of ['kms:Verify', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant'])
      expect(principalsAllowed(action)).toEqual([]);
    expect(principalsAllowed('kms:PutKeyPolicy')).toHaveLength(1);
    expect(keyStatements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('is granted through identity policies for exactly kms:Sign and kms:GetPublicKey', () => {
    const onTheKey = ofType('AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) =>
        JSON.stringify(s.Resource).includes(`"${keyId}"`),
      ).flatMap((s) => asList(s.Action)),
    );
    expect(onTheKey.sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
  });
});

describe('token functions', () => {
  const environmentOf = (id: string) => (resources[id]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  it('give the token function and the authorizer the key and the same issuer', () => {
    const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
    expect(environmentOf(tokenFunctionId).OAUTH_SIGNING_KEY_ARN).toEqual(keyArn);
    expect(environmentOf(authorizerId).OAUTH_SIGNING_KEY_ARN).toEqual(keyArn);
    expect(environmentOf(tokenFunctionId).OAUTH_ISSUER).toBe(stack.tokenEndpoint.issuer);
    expect(environmentOf(authorizerId).OAUTH_ISSUER).toBe(stack.tokenEndpoint.issuer);
    expect(environmentOf(tokenFunctionId).OAUTH_TOKEN_REQUESTS_PER_MINUTE).toBe('60');
  });

  it('run the same runtime as the other functions', () => {
    expect(resources[tokenFunctionId]?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
  });
});

describe('token route', () => {
  const pathOf = (id: string): string => {
    const resource = resources[id];
    if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
    const parent = resource.Properties.ParentId as { Ref?: string };
    return `${typeof parent.Ref === 'string' ? pathOf(parent.Ref) : ''}/${String(resource.Properties.PathPart)}`;
  };
  const tokenMethods = ofType('AWS::ApiGateway::Method').filter(
    ([, m]) => pathOf((m.Properties.ResourceId as { Ref: string }).Ref) === TOKEN_ENDPOINT_PATH,
  );

  const methodProperties = (name: string) => tokenMethods.find(([, m]) => m.Properties.HttpMethod === name)?.[1].Properties;

  it('serves POST with no authorizer and no API key, integrated with the token function', () => {
    expect(tokenMethods.map(([, m]) => m.Properties.HttpMethod).sort()).toEqual(['ANY', 'POST']);
    const method = methodProperties('POST');
    expect(method).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
    expect(JSON.stringify(method?.Integration)).toContain(tokenFunctionId);
  });

  it('GET on the token endpoint (any other method) is a mock 405 with Allow: POST, no function runs', () => {
    const method = methodProperties('ANY');
    expect(method).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false, Integration: { Type: 'MOCK' } });
    const integration = JSON.stringify(method?.Integration);
    expect(integration).not.toContain(tokenFunctionId);
    expect(method?.Integration).toMatchObject({
      IntegrationResponses: [{ StatusCode: '405', ResponseParameters: { 'method.response.header.Allow': "'POST'" } }],
    });
  });

  it('has its own throttle on the stage, beside the stage-wide one', () => {
    const [, stage] = ofType('AWS::ApiGateway::Stage')[0] ?? [];
    const settings = stage?.Properties.MethodSettings as Record<string, unknown>[];
    expect(settings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*' }),
        expect.objectContaining({
          ResourcePath: '/~1tenants~1{tenantId}~1oauth2~1token',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        }),
      ]),
    );
  });
});

describe('tenants on the token endpoint', () => {
  it('has no output, secret or custom resource per tenant: the token URL is tokenUrl(tenantId), the same path for every tenant', () => {
    expect(Object.keys(outputs).filter((name) => /TokenEndpoint|OAuthClient|TokenSecret|TenantUrl/.test(name))).toEqual([]);
    expect(ofType('AWS::SecretsManager::Secret')).toEqual([]);
    expect(ofType('Custom::ScimTenant')).toEqual([]);
    for (const tenant of TEST_TENANTS)
      expect(JSON.stringify(stack.resolve(stack.tokenEndpoint.tokenUrl(tenant.id)))).toContain(`/tenants/${tenant.id}/oauth2/token`);
  });

  it('has no credential in the template, although tenants.json asks for an OAuth client (the vendor issues it)', () => {
    expect(TEST_TENANTS.find((t) => t.id === 'acme')?.oauthClient).toBe(true);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/clientSecret|client_secret|scim_[A-Za-z0-9_-]{43}/);
  });
});
