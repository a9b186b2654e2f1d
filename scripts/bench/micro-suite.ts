/**
 * The comparisons themselves: the SCIM core against published libraries on identical inputs, filter
 * parse + evaluate (scim2-parse-filter, scimmy) and PATCH apply (scim-patch, scimmy). micro.ts
 * bundles this file with everything it imports and runs it in a fresh Node process.
 */
import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { filter as compileFilter, parse as parseLibraryFilter } from 'scim2-parse-filter';
import SCIMMY from 'scimmy';
import { evaluateFilter } from '../../functions/scim/filter/evaluate';
import { parseFilter } from '../../functions/scim/filter/parse';
import { applyPatch } from '../../functions/scim/patch/apply';
import { parsePatchBody } from '../../functions/scim/patch/operations';
import { defaultProfile } from '../../functions/scim/scim-profile';
import type { ScimResource } from '../../functions/scim/schema/types';
import type { MicroFigures } from './micro';
import { round } from './stats';

const user = (): ScimResource => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  displayName: 'Babs Jensen',
  active: true,
  title: 'Tour Guide',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { type: 'work', value: 'bjensen@example.com', primary: true },
    { type: 'home', value: 'babs@jensen.org' },
  ],
  phoneNumbers: [{ type: 'work', value: '555-555-5555' }],
  meta: { resourceType: 'User', created: '2026-01-23T04:56:22Z', lastModified: '2026-05-13T04:42:34Z' },
});

const FILTERS = [
  'userName eq "bjensen@example.com"',
  'emails[type eq "work" and value co "@example.com"] and active eq true',
  '(title sw "Tour" or displayName co "zz") and not (name.familyName eq "Smith")',
];

const OPERATIONS = [
  { op: 'replace', path: 'name.givenName', value: 'Babs' },
  { op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' },
  { op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '555-555-0000' }] },
  { op: 'replace', path: 'active', value: false },
];

/** CPU milliseconds this process has used: a rate per CPU second does not drop when other work shares the cores. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Operations per CPU second over `ms` of CPU time, after a warm-up. Synchronous implementations run
 * in a plain loop; asynchronous ones (scimmy's PatchOp) are awaited one at a time.
 */
async function rate(run: () => unknown, ms = 1500): Promise<number> {
  const asynchronous = run() instanceof Promise;
  const batch = async (n: number) => {
    if (!asynchronous) {
      for (let i = 0; i < n; i += 1) run();
      return;
    }
    for (let i = 0; i < n; i += 1) await run();
  };
  await batch(1000);
  let count = 0;
  const started = cpuMs();
  while (cpuMs() - started < ms) {
    await batch(200);
    count += 200;
  }
  return count / ((cpuMs() - started) / 1000);
}

export async function runMicroSuite(): Promise<MicroFigures[]> {
  const resource = user();
  const results: MicroFigures[] = [];
  const compare = async (benchmark: string, implementations: Record<string, () => unknown>) => {
    // One implementation at a time: interleaving them would give each the same share of the loop.
    const rates: Record<string, number> = {};
    // Best of three rounds per implementation, rounds interleaved, so a noisy moment hurts no one in particular.
    for (let round = 0; round < 3; round += 1) {
      for (const [name, run] of Object.entries(implementations)) rates[name] = Math.max(rates[name] ?? 0, await rate(run, 800));
    }
    const core = rates['scim-serverless core'] ?? 0;
    for (const [implementation, opsPerSecond] of Object.entries(rates)) {
      results.push({ benchmark, implementation, opsPerSecond: Math.round(opsPerSecond), coreAdvantage: round(core / opsPerSecond) });
    }
  };

  await compare('filter parse + evaluate (3 filters)', {
    'scim-serverless core': () => FILTERS.every((f) => evaluateFilter(parseFilter(defaultProfile, 'User', f), resource) !== undefined),
    'scim2-parse-filter': () => FILTERS.every((f) => compileFilter(parseLibraryFilter(f))(resource) !== undefined),
    scimmy: () => FILTERS.every((f) => new SCIMMY.Types.Filter(f).match([resource]) !== undefined),
  });

  const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: OPERATIONS };
  await compare('PATCH apply (4 operations)', {
    'scim-serverless core': () => applyPatch(defaultProfile, 'User', resource, parsePatchBody(defaultProfile, body)),
    'scim-patch': () =>
      scimPatch(structuredClone(resource) as unknown as Parameters<typeof scimPatch>[0], OPERATIONS as ScimPatchOperation[]),
    scimmy: () =>
      new SCIMMY.Messages.PatchOp(body as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]).apply(
        new SCIMMY.Schemas.User(resource),
        async (r) => r,
      ),
  });
  return results;
}
