/**
 * The manual's links hold: every relative link in README.md, SECURITY.md and docs/*.md names a file
 * that exists and, with a #fragment, a heading of that file (GitHub's anchor rules), so moving a
 * section cannot silently leave a reader at a dead end.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const pages = [
  'README.md',
  'SECURITY.md',
  ...readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];

/** GitHub's heading anchors: lower case, punctuation dropped except - and _, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? '')));
}

describe('links in the manual', () => {
  it.each(pages)('%s: every relative link resolves', (page) => {
    const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path = '', fragment] = target.split('#');
      const file = path === '' ? page : normalize(join(dirname(page), path));
      if (!existsSync(file)) broken.push(`${target}: no file ${file}`);
      else if (fragment !== undefined && file.endsWith('.md') && !anchorsOf(file).has(fragment))
        broken.push(`${target}: no heading #${fragment}`);
    }
    expect(broken).toEqual([]);
  });
});
