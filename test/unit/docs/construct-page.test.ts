/**
 * docs/construct.md documents the CDK constructs' props: every prop declared in their props
 * interfaces must have a row in the table of that interface (a prop added without one fails here).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

const page = readFileSync('docs/construct.md', 'utf8');

/** Prop names declared in `export interface <name> { ... }` of a source file. */
function declaredProps(file: string, name: string): string[] {
  const source = readFileSync(file, 'utf8');
  const start = source.indexOf(`export interface ${name}`);
  if (start < 0) throw new Error(`${file} has no interface ${name}`);
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((match) => match[1] ?? '');
}

/** Prop names in the first table under `## \`<name>\``. */
function documentedProps(name: string): string[] {
  const section = page.slice(page.indexOf(`## \`${name}\``));
  const table = section.slice(section.indexOf('\n|'), section.indexOf('\n\n', section.indexOf('\n|')));
  return [...table.matchAll(/^\| `(\w+)` /gm)].map((match) => match[1] ?? '');
}

describe('docs/construct.md', () => {
  it.each([
    ['lib/scim-endpoint.ts', 'ScimEndpointProps'],
    ['lib/tenant-onboarding.ts', 'TenantOnboardingProps'],
    ['lib/token-endpoint.ts', 'TokenEndpointProps'],
    ['lib/custom-domain.ts', 'CustomDomainProps'],
    ['lib/alarms.ts', 'AlarmProps'],
    ['lib/backup.ts', 'BackupProps'],
  ])('%s: every prop of %s has a row', (file, name) => {
    const declared = declaredProps(file, name);
    expect(declared.length).toBeGreaterThan(1);
    expect(documentedProps(name).sort()).toEqual(declared.sort());
  });
});
