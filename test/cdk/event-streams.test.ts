/**
 * The event-stream pieces of the synthesized template (docs/events.md): the events-only signing key
 * (sign: the outbox function only; public key: the ssf function only), the key sealing receivers'
 * secrets (decrypt: the delivery function only), the stream triggers and the retry schedule, and the
 * public SSF routes without the authorizer.
 */
import { describe, expect, it } from '@jest/globals';
import { publicRoutes } from '../../functions/routes';
import { SIGNING_KEY_ROLE_TAG } from '../../lib/role-tagged-key';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp, testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack);
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const { signingKey, secretsKey, functions } = stack.endpoint.eventStreams;
const roleOf = (fn: { node: { defaultChild?: unknown } }) =>
  (resources[idOf(fn)]?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
/** The value of the signing-key role tag on a role. */
const tagOf = (roleId: string): string | undefined =>
  asList(resources[roleId]?.Properties.Tags as { Key: string; Value: string }[] | undefined).find((t) => t.Key === SIGNING_KEY_ROLE_TAG)
    ?.Value;

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Principal?: { AWS?: unknown };
  readonly Resource?: unknown;
  readonly Condition?: { StringEquals?: Record<string, string> };
}
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i').test(action);
const keyPrincipals = (keyId: string, action: string) =>
  ((resources[keyId]?.Properties.KeyPolicy as { Statement: Statement[] }).Statement ?? [])
    .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => covers(a, action)))
    .map((s) => JSON.stringify(s.Principal));

/** The role tag value the key policy asks of the account's principals for `action`. */
const requiredTag = (keyId: string, action: string) =>
  ((resources[keyId]?.Properties.KeyPolicy as { Statement: Statement[] }).Statement ?? [])
    .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => covers(a, action)))
    .map((s) => s.Condition?.StringEquals?.[`aws:PrincipalTag/${SIGNING_KEY_ROLE_TAG}`] ?? 'no tag condition');

/** Roles whose IAM policies allow `action` on the key. */
const rolesAllowed = (keyId: string, action: string) =>
  ofType('AWS::IAM::Policy')
    .filter(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
        (s) => asList(s.Action).some((a) => covers(a, action)) && JSON.stringify(s.Resource).includes(keyId),
      ),
    )
    .flatMap(([, p]) => asList(p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));

describe('event signing key', () => {
  const keyId = idOf(signingKey);
  it('is its own ECC_NIST_P256 SIGN_VERIFY key (not the access tokens’ key), kept when the stack goes', () => {
    expect(resources[keyId]?.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(resources[keyId]?.DeletionPolicy).toBe('Retain');
    expect(keyId).not.toBe(idOf(stack.tokenEndpoint.signingKey));
  });
  it('lets only the outbox function sign and only the ssf function read the public key, naming no role ARN', () => {
    const statements = (resources[keyId]?.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    // A destroy and redeploy replaces the roles; the retained key's policy must not name them.
    expect(JSON.stringify(statements)).not.toMatch(/Role/);
    expect(requiredTag(keyId, 'kms:Sign')).toEqual([tagOf(roleOf(functions.outbox))]);
    expect(requiredTag(keyId, 'kms:GetPublicKey')).toEqual([tagOf(roleOf(functions.ssf))]);
    expect(rolesAllowed(keyId, 'kms:Sign')).toEqual([roleOf(functions.outbox)]);
    expect(rolesAllowed(keyId, 'kms:GetPublicKey')).toEqual([roleOf(functions.ssf)]);
    for (const action of ['kms:Verify', 'kms:Decrypt', 'kms:CreateGrant']) expect(keyPrincipals(keyId, action)).toEqual([]);
    // The tags are this deployment's, for this key's uses only: no other role carries them.
    const tagged = ofType('AWS::IAM::Role').filter(
      ([id]) => tagOf(id)?.endsWith(':events-sign') || tagOf(id)?.endsWith(':events-public-key'),
    );
    expect(tagged.map(([id]) => id).sort()).toEqual([roleOf(functions.outbox), roleOf(functions.ssf)].sort());
  });
  it('is named to exactly those functions', () => {
    const withKey = ofType('AWS::Lambda::Function').filter(([, f]) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes(`"${keyId}"`),
    );
    expect(withKey.map(([id]) => id).sort()).toEqual([idOf(functions.outbox), idOf(functions.ssf)].sort());
  });
});

describe('secrets key', () => {
  const keyId = idOf(secretsKey);
  it('is a symmetric key with rotation, and only the delivery function may decrypt with it', () => {
    expect(resources[keyId]?.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(rolesAllowed(keyId, 'kms:Decrypt')).toEqual([roleOf(functions.delivery)]);
  });
  it('the admin API function may encrypt with it (it seals the headers) and knows the issuer', () => {
    const adminFunction = stack.endpoint.adminApi.adminFunction;
    expect(rolesAllowed(keyId, 'kms:Encrypt')).toEqual([roleOf(adminFunction)]);
    const variables = (resources[idOf(adminFunction)]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['EVENTS_SECRETS_KEY_ARN', 'SSF_ISSUER']));
  });
});

describe('triggers', () => {
  const mappings = ofType('AWS::Lambda::EventSourceMapping');
  const mappingOf = (fn: { node: { defaultChild?: unknown } }) =>
    mappings.find(([, m]) => JSON.stringify(m.Properties.FunctionName).includes(idOf(fn)))?.[1].Properties;

  it('the outbox function reads the table stream for users and groups only, reporting failed records', () => {
    const mapping = mappingOf(functions.outbox);
    expect(mapping?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(JSON.stringify(mapping?.FilterCriteria)).toContain('User');
    expect(JSON.stringify(mapping?.FilterCriteria)).toContain('Group');
  });

  it('the delivery function runs on outbox inserts and every minute', () => {
    expect(JSON.stringify(mappingOf(functions.delivery)?.FilterCriteria)).toContain('EventSet');
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets).includes(idOf(functions.delivery)));
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('the outbox and ssf functions know the issuer, built from the API id (no dependency on the stage)', () => {
    for (const fn of [functions.outbox, functions.ssf]) {
      const issuer = JSON.stringify(
        (resources[idOf(fn)]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables.SSF_ISSUER,
      );
      expect(issuer).toContain(stack.getLogicalId(stack.endpoint.api.node.defaultChild as never));
      expect(issuer).toContain('/v2');
    }
  });

  it('with a custom domain the issuer is its origin, for the SET writers, the SSF routes and the admin API', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000';
    const domain = new ScimStack(testApp(), 'DomainEvents', {
      tenants: TEST_TENANTS,
      endpoint: { customDomain: { domainName: 'scim.vendor.example', certificateArn } },
    });
    expect(domain.endpoint.eventStreams.issuer).toBe('https://scim.vendor.example');
    const domainResources = testTemplate(domain).toJSON().Resources as Record<string, Resource>;
    const { outbox, ssf } = domain.endpoint.eventStreams.functions;
    for (const fn of [outbox, ssf, domain.endpoint.adminApi.adminFunction]) {
      const variables = (
        domainResources[domain.getLogicalId(fn.node.defaultChild as never)]?.Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(variables.SSF_ISSUER).toBe('https://scim.vendor.example');
    }
  });
});

describe('public routes', () => {
  it('every SSF route is a method without the authorizer, integrated with the ssf function', () => {
    const apiResources = ofType('AWS::ApiGateway::Resource').map(([id, r]) => ({ id, part: r.Properties.PathPart as string }));
    for (const route of publicRoutes) {
      const last = route.path.split('/').at(-1) as string;
      const resource = apiResources.filter((r) => r.part === last);
      const methods = ofType('AWS::ApiGateway::Method').filter(([, m]) =>
        resource.some((r) => JSON.stringify(m.Properties.ResourceId).includes(r.id)),
      );
      expect(methods.length).toBeGreaterThan(0);
      const forSsf = methods.filter(([, m]) => JSON.stringify(m.Properties.Integration).includes(idOf(functions.ssf)));
      expect(forSsf).toHaveLength(1);
      expect(forSsf[0]?.[1].Properties).toMatchObject({ AuthorizationType: 'NONE', HttpMethod: 'ANY' });
    }
  });
});
