/**
 * `.ci/run` fails when the suite reports any `todo` (issue #28): a real jest run over a fixture
 * folder writes its JSON report, and .ci/no-todo.mjs judges it — exit 1 naming the todo, exit 0
 * without one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Runs jest on one fixture test file, then the CI gate on its report. */
function gate(fixture: string): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), 'no-todo-'));
  folders.push(folder);
  writeFileSync(join(folder, 'package.json'), '{}');
  writeFileSync(join(folder, 'fixture.test.js'), fixture);
  const report = join(folder, 'report.json');
  const env = { ...process.env, NODE_OPTIONS: '' };
  const jest = spawnSync(
    process.execPath,
    [join(root, 'node_modules/jest/bin/jest.js'), '--rootDir', folder, '--ci', '--json', '--outputFile', report],
    {
      cwd: folder,
      env,
      encoding: 'utf8',
    },
  );
  expect(jest.status).toBe(0);
  const check = spawnSync(process.execPath, [join(root, '.ci/no-todo.mjs'), report], { env, encoding: 'utf8' });
  return { status: check.status, output: check.stdout + check.stderr };
}

describe('.ci/no-todo.mjs', () => {
  it('fails a passing suite that reports a todo, and names it', () => {
    const result = gate("it.todo('checks the template (needs cfn-lint)');\nit('passes', () => {});\n");
    expect(result.status).toBe(1);
    expect(result.output).toContain('checks the template (needs cfn-lint)');
  });

  it('passes a suite without todo', () => {
    expect(gate("it('passes', () => {});\n").status).toBe(0);
  });
});
