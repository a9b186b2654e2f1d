/** Every Lambda function bundled for real (esbuild, same options as the stack); sizes printed and budgeted. */
import { describe, expect, it } from '@jest/globals';
import { functionEntries, streamFunctionEntries } from '../../functions/routes';
import { bundleEntry } from '../../lib/bundle';
import { BUNDLE_BUDGETS } from '../../lib/bundling';

const entries: [string, string, number][] = [
  ...Object.entries(functionEntries).map(([name, entry]): [string, string, number] => [
    name,
    entry,
    name === 'authorizer' ? BUNDLE_BUDGETS.authorizer : BUNDLE_BUDGETS.resource,
  ]),
  ...Object.entries(streamFunctionEntries).map(([name, entry]): [string, string, number] => [name, entry, BUNDLE_BUDGETS.stream]),
  ['onboarding', 'functions/onboarding.ts', BUNDLE_BUDGETS.stream],
];

describe('Lambda bundles', () => {
  it.each(entries)('%s (%s) stays within its budget', async (name, entry, budget) => {
    const bundle = await bundleEntry(entry);
    console.log(`bundle ${name}: ${(bundle.bytes / 1024).toFixed(1)} KiB (budget ${(budget / 1024).toFixed(0)} KiB)`);
    expect(bundle.code).toContain('handler');
    expect(bundle.bytes).toBeLessThanOrEqual(budget);
  }, 60_000);
});
