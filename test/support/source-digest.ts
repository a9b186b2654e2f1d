/**
 * A digest of source files, for test artefacts built once per source tree and kept in the temp folder
 * (the CDK template of test/cdk/stack-fixture.ts, the CLI bundle of scim-admin-bundle.ts): a change to
 * any of them gives a new digest, so a stale artefact is never used.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 over the path and content of every file of `sources` (files, or folders walked whole), from the repository root. */
export function sourceDigest(sources: readonly string[]): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    if (!existsSync(path)) return;
    const entries = readdirSync(path, { withFileTypes: true, recursive: true });
    for (const entry of entries
      .filter((e) => e.isFile())
      .sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
      const file = join(entry.parentPath, entry.name);
      hash.update(file).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  for (const source of sources) {
    if (/\.(ts|json|js|mjs)$/.test(source))
      hash
        .update(source)
        .update('\0')
        .update(existsSync(source) ? readFileSync(source) : '');
    else add(source);
  }
  return hash.digest('hex').slice(0, 32);
}
