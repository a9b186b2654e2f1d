/**
 * docs/configuration.md is the one reference of tenants.json and of the environment variables: this
 * holds it against the code, so a field, default or variable cannot change without the page.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { tenantSettingsSchema } from '../../../functions/tenants/settings-schema';
import { tenantConfigSchema } from '../../../functions/tenants/tenants-file';

const page = readFileSync('docs/configuration.md', 'utf8');

/** Rows of the first table under a heading: first column name (without backticks) -> default column. */
function tableUnder(heading: string): Map<string, string> {
  const section = page.slice(page.indexOf(`\n${heading}\n`));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  const firstTable = section.slice(0, section.indexOf('\n\n', section.indexOf('| ')));
  return new Map(
    rows
      .filter((row) => firstTable.includes(row))
      .map((row) => row.split(' | ').map((cell) => cell.replace(/^\| /, '').trim()))
      .map(([name = '', , defaultValue = '']) => [name.replaceAll('`', ''), defaultValue]),
  );
}

function expectDefaults(rows: Map<string, string>, shape: Record<string, unknown>, parsed: Record<string, unknown>, required: string[]) {
  expect([...rows.keys()].sort()).toEqual(Object.keys(shape).sort());
  for (const [name, documented] of rows) {
    if (required.includes(name)) expect(`${name}: ${documented}`).toBe(`${name}: required`);
    else if (parsed[name] === undefined) expect(`${name}: ${documented}`).toBe(`${name}: —`);
    else if (documented.startsWith('`')) expect(`${name}: ${documented}`).toBe(`${name}: \`${JSON.stringify(parsed[name])}\``);
  }
}

describe('docs/configuration.md', () => {
  it('lists every tenant field of the schema, with the default the schema fills in', () => {
    const parsed = tenantConfigSchema.parse({ id: 'acme', displayName: 'Acme' });
    expectDefaults(tableUnder('### Tenant fields'), tenantConfigSchema._zod.def.shape, parsed, ['id', 'displayName']);
  });

  it('lists every setting of the schema, with the default the schema fills in', () => {
    const parsed = tenantSettingsSchema.parse({});
    expectDefaults(tableUnder('### Settings'), tenantSettingsSchema._zod.def.shape, parsed, []);
  });

  it('names every environment variable the functions and the local server read', () => {
    const sources = ['functions/commons/environment.ts', 'local/server.ts', 'bin/local-server.ts'].map((file) =>
      readFileSync(file, 'utf8'),
    );
    const read = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/(?:env\(\)|\be|process\.env)\.([A-Z][A-Z0-9_]+)/g)) read.add(match[1] ?? '');
      for (const match of source.matchAll(/`(AWS_ENDPOINT_URL)_\$\{/g)) read.add(match[1] ?? '');
    }
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter((name) => !page.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
