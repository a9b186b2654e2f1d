/**
 * No two production files share a basename (#27): a name says what a file holds, and an editor's
 * "open file" or a stack trace's file name never leaves a reader guessing which of two it is.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const PRODUCTION = ['functions', 'lib', 'bin', 'local', 'admin', 'scripts'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

describe('file names', () => {
  it('no two production files share a basename', () => {
    const byName = new Map<string, string[]>();
    for (const file of PRODUCTION.flatMap(sources)) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
    const shared = [...byName.values()].filter((files) => files.length > 1);
    expect(shared).toEqual([]);
    expect(byName.size).toBeGreaterThan(100); // the walk found the tree
  });
});
