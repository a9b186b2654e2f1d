/**
 * The app stack as tests synthesize it: bundling skipped (`aws:cdk:bundling-stacks: []`), two tenants (acme on the `large` tier).
 *
 * Synthesis is most of a CDK test's time (about 5 s per synth on 2 cores), and a dozen files assert on the
 * same default stack. `testTemplate(testStack())` synthesizes it once per source tree: the template is kept
 * in the system's temp folder under a digest of everything it is made from (lib/, functions/, this file,
 * package-lock.json), so every later file (and run) reads the JSON instead. Stacks with other props are
 * synthesized as before. Constructing the stack is cheap and still done by each file: logical ids come from it.
 *
 * CDK's built-in CloudFormation validation (a WebAssembly rule engine, about 4 s per synth) is off in
 * these apps: without the `validateAgainstDefaultRules` flag it only reports warnings, which no test reads.
 * It still runs where a user meets it, in `cdk synth`, which test/cdk/synthesized.test.ts runs with cfn-lint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseTenantsFile } from '../../functions/tenants/tenants-file';
import { ScimStack } from '../../lib/scim-stack';
import { sourceDigest } from '../support/source-digest';

export const TEST_TENANTS = parseTenantsFile({
  tenants: [
    { id: 'acme', displayName: 'Acme', rateTier: 'large', oauthClient: true },
    { id: 'contoso', displayName: 'Contoso', settings: { requiredAttributes: { User: ['phoneNumbers'] } } },
  ],
});

export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
}

/** Stacks made by testStack() with its own app: the ones whose template is the shared one. */
const defaultStacks = new WeakSet<ScimStack>();

export function testStack(app?: App): ScimStack {
  const stack = new ScimStack(app ?? testApp(), 'TestScim', { tenants: TEST_TENANTS });
  if (!app) defaultStacks.add(stack);
  return stack;
}

/** The stack's template: the default stack's from the per-source-tree cache, any other synthesized here. */
export function testTemplate(stack: ScimStack): Template {
  if (!defaultStacks.has(stack)) return Template.fromStack(stack);
  const file = join(tmpdir(), 'scim-cdk-templates', `${sourceDigest(SOURCES)}.json`);
  if (existsSync(file)) return Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
  const template = Template.fromStack(stack);
  mkdirSync(join(tmpdir(), 'scim-cdk-templates'), { recursive: true });
  // Written aside and renamed: a parallel worker reads a whole file or none.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(template.toJSON()));
  renameSync(partial, file);
  return template;
}

const SOURCES = ['lib', 'functions', 'test/cdk/stack-fixture.ts', 'package-lock.json', 'cdk.json'];
