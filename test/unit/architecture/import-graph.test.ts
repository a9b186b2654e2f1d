/**
 * The import graph of functions/ and lib/, read from the source (value and type imports alike):
 * no import cycle, and no import that runs up the layers of docs/architecture.md. None is tolerated:
 * the last known ones were removed in #27 (lib/endpoint-services.ts, store/activity-layout.ts). No two
 * folders of functions/ import each other either (through any files). And no
 * Lambda function reaches tenants/tenants-file.ts (tenants.json's schema: the CDK app's and npm start's).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOTS = ['functions', 'lib'];

/** Layers from the ground up (docs/architecture.md, "Layers"). A folder not named is a service (3). */
const LAYER: Readonly<Record<string, number>> = { commons: 0, routes: 0, scim: 1, store: 2, http: 4, 'admin-api': 4, entry: 5 };
const SERVICES = 3;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm)]
    .map((match) => normalize(join(dirname(file), match[1] ?? '')))
    .map((target) => (target.endsWith('.ts') ? target : `${target}.ts`))
    .filter((target) => existsSync(target));
}

const files = ROOTS.flatMap(sources);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Tarjan's strongly connected components with more than one node: the import cycles (of files, or of folders). */
function cycles(of: ReadonlyMap<string, readonly string[]> = graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of of.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === file) break;
      }
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of of.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The layer folder of a file under functions/: its first folder, `entry` for a Lambda entry, `routes` for the route table. */
function folderOf(file: string): string | undefined {
  const parts = relative('functions', file).split('/');
  if (parts[0] === '..') return undefined;
  if (parts.length === 1) return parts[0] === 'routes.ts' ? 'routes' : 'entry';
  return parts[0];
}
const layerOf = (folder: string) => LAYER[folder] ?? SERVICES;

/** Every file `file` imports, directly or through others. */
function reachable(file: string): Set<string> {
  const seen = new Set<string>();
  const walk = (from: string): void => {
    for (const target of graph.get(from) ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      walk(target);
    }
  };
  walk(file);
  return seen;
}

describe('import graph of functions/ and lib/', () => {
  it('reads the tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('has no import that runs up the layers', () => {
    const upward = new Set<string>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      if (from === undefined) continue;
      for (const target of targets) {
        const to = folderOf(target);
        if (to !== undefined && to !== from && layerOf(to) > layerOf(from)) upward.add(`${from} -> ${to}: ${file} imports ${target}`);
      }
    }
    expect([...upward]).toEqual([]);
  });

  // A folder is a room: when two import each other (even through different files), neither can be read, moved or tested alone.
  it('has no import loop between the folders of functions/', () => {
    const folders = new Map<string, Set<string>>();
    const folderKey = (file: string) => {
      const folder = folderOf(file);
      return folder === 'entry' ? file : folder;
    };
    for (const [file, targets] of graph) {
      const from = folderKey(file);
      if (from === undefined) continue;
      for (const target of targets) {
        const to = folderKey(target);
        if (to !== undefined && to !== from) folders.set(from, (folders.get(from) ?? new Set()).add(to));
      }
    }
    expect(folders.size).toBeGreaterThan(10);
    expect(cycles(new Map([...folders].map(([folder, targets]) => [folder, [...targets]])))).toEqual([]);
  });

  // Only the CDK app and npm start read tenants.json; in a function the file's schema is bundle weight (lib/bundling.ts BUNDLE_BUDGETS).
  it("reaches the tenants.json file schema from no Lambda function's entry", () => {
    const entries = files.filter((file) => folderOf(file) === 'entry');
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.filter((entry) => reachable(entry).has(join('functions', 'tenants', 'tenants-file.ts')))).toEqual([]);
  });
});
