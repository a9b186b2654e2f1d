#!/usr/bin/env node
// `npx scim-admin …` in this checkout: runs bin/scim-admin.ts through tsx's loader (a dev
// dependency), on Node 22 (scripts/node22.mjs fetches it once when the current node is older).
import { fileURLToPath } from 'node:url';
import { execNode22, runsNode22 } from '../scripts/node22.mjs';

if (runsNode22()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./scim-admin.ts');
} else {
  await execNode22([fileURLToPath(import.meta.url), ...process.argv.slice(2)]);
}
