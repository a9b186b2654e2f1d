#!/usr/bin/env node
// `npx scim-admin …` in this checkout: runs bin/scim-admin.ts through tsx's loader (a dev dependency).
import { register } from 'tsx/esm/api';

register();
await import('./scim-admin.ts');
