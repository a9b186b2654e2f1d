/**
 * The local emulation of API Gateway's TOKEN authorizer step answers with the gateway response AWS
 * uses for each outcome: a refusal (`Unauthorized`) is UNAUTHORIZED 401, an authorizer that throws
 * anything else is AUTHORIZER_CONFIGURATION_ERROR and one returning an unusable result is
 * AUTHORIZER_FAILURE — both 503 with Retry-After, as lib/scim-gateway-responses.ts configures them.
 */
import { describe, expect, it } from '@jest/globals';
import { authorizerGate } from '../../../local/authorizer-gate';
import { gatewayError } from '../../../local/local-gateway-responses';
import { generateToken } from '../../../functions/credentials/secret-token';

const METHOD_ARN = 'arn:aws:execute-api:local:000000000000:local/local/GET/tenants/acme/scim/v2/Users';
const header = `Bearer ${generateToken()}`;

const decide = (invoke: () => Promise<unknown>) => authorizerGate({ invoke, cacheSeconds: 0 })(header, METHOD_ARN);

describe('authorizer gate', () => {
  it('answers UNAUTHORIZED (401) when the authorizer refuses', async () => {
    const decision = await decide(async () => Promise.reject(new Error('Unauthorized')));
    expect(decision).toEqual({ allowed: false, response: 'UNAUTHORIZED' });
    expect(gatewayError('UNAUTHORIZED').statusCode).toBe(401);
  });

  it('answers AUTHORIZER_CONFIGURATION_ERROR (503, Retry-After) when the authorizer throws', async () => {
    const outage = Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    const decision = await decide(async () => Promise.reject(outage));
    expect(decision).toEqual({ allowed: false, response: 'AUTHORIZER_CONFIGURATION_ERROR' });
    expect(gatewayError('AUTHORIZER_CONFIGURATION_ERROR')).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
  });

  it('answers AUTHORIZER_FAILURE (503, Retry-After) when the result is unusable', async () => {
    const decision = await decide(async () => ({ policyDocument: {} }));
    expect(decision).toEqual({ allowed: false, response: 'AUTHORIZER_FAILURE' });
    expect(gatewayError('AUTHORIZER_FAILURE')).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
  });

  it('answers ACCESS_DENIED (403) when the policy does not cover the request, and allows when it does', async () => {
    const policy = (resource: string) => async () => ({
      principalId: 'acme',
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource }] },
      context: { tenantId: 'acme' },
    });
    expect(await decide(policy('arn:aws:execute-api:local:000000000000:local/local/*/tenants/other/*'))).toEqual({
      allowed: false,
      response: 'ACCESS_DENIED',
    });
    expect(await decide(policy('arn:aws:execute-api:local:000000000000:local/local/*/tenants/acme/*'))).toMatchObject({ allowed: true });
  });
});
