/**
 * ESLint (flat config) with typescript-eslint: `npm run lint` runs it with `prettier --check` and knip.
 * Besides the recommended rules, it states the project's import rules where a reader meets them: each
 * restriction's message says why it exists, so a rule is learned from the editor, not from a failing
 * bundle test (docs/architecture.md, "Bundle rules and why").
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The files an entry's bundle reaches through value imports (type-only imports are erased): walked
 * from the source at every lint, so the rule follows the code instead of a list someone must keep.
 */
function valueImportGraph(entry) {
  const seen = new Set();
  const pending = [resolve(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
      pending.push(resolve(dirname(file), match[1].endsWith('.ts') ? match[1] : `${match[1]}.ts`));
    }
  }
  return [...seen].map((file) => relative(root, file));
}

const AUTHORIZER_WHY =
  'runs before every uncached request, so its bundle and cold start must stay small (budget 96 KiB, ' +
  'test/cdk/bundles.test.ts): it reads the table with one signed HTTP call (store/lean-table.ts, commons/aws-json-call.ts). ' +
  'Put what it needs in a module without this import (see docs/architecture.md, "Bundle rules and why").';
const CORE_WHY =
  'functions/scim is the pure SCIM core, shared by every function and the CLI and tested without a table: ' +
  'no AWS, no I/O, no imports from the layers above it (docs/architecture.md, "Layers").';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'cdk.out/', '.data/', '.dynamodb-local/', '.node22/', 'bench-results/', 'coverage/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'prefer-const': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression TSTypeLiteral[members.length=1] > TSPropertySignature[key.name='name']",
          message:
            "Read a thrown value's name with errorNamed(error, ...names) or errorName(error) from functions/commons/error-named.ts, not a cast.",
        },
      ],
      // TypeScript checks these itself (tsc --noEmit is part of npm test).
      'no-undef': 'off',
      'no-redeclare': 'off',
    },
  },
  {
    files: valueImportGraph('functions/authorizer.ts'),
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/client-*', '@aws-sdk/lib-dynamodb', '@aws-sdk/credential-provider*'],
              allowTypeImports: true,
              message: `An AWS SDK client is not allowed in the authorizer's import graph: it ${AUTHORIZER_WHY}`,
            },
            {
              group: ['@middy/*'],
              allowTypeImports: true,
              message: `middy is not allowed in the authorizer's import graph: it ${AUTHORIZER_WHY}`,
            },
            {
              regex: '^zod(/v4)?$',
              allowTypeImports: true,
              message: `zod classic is not allowed in the authorizer's import graph (it loads every validator and its locale on import): it ${AUTHORIZER_WHY}`,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/scim/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', '@middy/*', 'aws-lambda'], message: CORE_WHY },
            { group: ['**/store/*', '**/http/*', '**/provisioning/*', '**/oauth/*', '**/events/*'], message: CORE_WHY },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/commons/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/scim/*', '**/store/*', '**/http/*', '**/provisioning/*', '**/oauth/*', '**/events/*', '**/tenants/*'],
              message:
                'functions/commons is the ground floor (environment, logger, JSON, the SigV4 call): every layer imports it, so it imports none.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript helpers (bin/scim-admin.js, scripts/node22.mjs, the lambda harness) run on Node itself.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },
);
