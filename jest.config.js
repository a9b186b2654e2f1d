// Jest runs in native ESM mode (middy 7 is ESM-only), with swc stripping types.
// Type checking is done once by `tsc --noEmit` in `npm test`, not per test file.
/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

export default {
  // Node's environment, holding the functions' JSON log lines back unless a test fails (test/support/quiet-environment.ts).
  testEnvironment: '<rootDir>/test/support/quiet-environment.ts',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/integration/global-setup.ts',
  globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
  // A test's bound when it sets none. Integration tests run a real stack (HTTP, DynamoDB Local, child
  // processes); on a busy 2-core CI machine a bounded test that takes 5 s alone took over 30 s (last CI).
  // A timeout is not an assertion about speed (docs/testing.md): it only stops a hung test.
  testTimeout: 60000,
};
