/**
 * The command-line ends of the measuring scripts (`npm run bench`, `npm run cost`): sizes given as
 * whole numbers, checked once the same way, and the JSON report written at `--out`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** `--name` (a string option of parseArgs) as a whole number of at least `least`; a script given anything else stops, saying so. */
export function wholeNumber<Values extends object>(values: Values, name: keyof Values & string, least: 0 | 1 = 0): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < least) throw new Error(`--${name} must be a ${least === 1 ? 'positive ' : ''}whole number`);
  return value;
}

/** The report as indented JSON at `out` (its folder made first); prints where it went. */
export async function writeReport(out: string, report: unknown): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten ${out}`);
}
