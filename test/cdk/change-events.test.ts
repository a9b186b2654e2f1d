/** The change-event deployment option: the SET form reaches the publisher and discovery (which advertises it). */
import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { ScimStack } from '../../lib/scim-stack';
import { TEST_TENANTS, testApp } from './stack-fixture';

const variablesOf = (template: Template, name: string): Record<string, unknown> => {
  const functions = template.findResources('AWS::Lambda::Function');
  const entry = Object.entries(functions).find(([id]) => id.toLowerCase().includes(`${name}function`));
  if (!entry) throw new Error(`no ${name} function in the template`);
  return (entry[1].Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {};
};

describe('changeEvents', () => {
  it('defaults to the notice form on the publisher and discovery', () => {
    const template = Template.fromStack(new ScimStack(testApp(), 'Notice', { tenants: TEST_TENANTS }));
    expect(variablesOf(template, 'publisher').SCIM_EVENT_FORM).toBe('notice');
    expect(variablesOf(template, 'discovery').SCIM_EVENT_FORM).toBe('notice');
    expect(variablesOf(template, 'publisher').SCIM_EVENT_ISSUER).toBeUndefined();
  });

  it('sets the full form and the issuer when asked', () => {
    const stack = new ScimStack(testApp(), 'Full', {
      tenants: TEST_TENANTS,
      endpoint: { changeEvents: { form: 'full', issuer: 'https://scim.example.com' } },
    });
    const template = Template.fromStack(stack);
    expect(variablesOf(template, 'publisher')).toMatchObject({ SCIM_EVENT_FORM: 'full', SCIM_EVENT_ISSUER: 'https://scim.example.com' });
    expect(variablesOf(template, 'discovery').SCIM_EVENT_FORM).toBe('full');
    expect(variablesOf(template, 'users').SCIM_EVENT_FORM).toBeUndefined();
  });
});
