/**
 * One jest run for the whole monorepo, with a project per test tier (file suffix picks the tier).
 * Workspace packages resolve to their TypeScript sources, so tests never depend on a stale build;
 * the e2e tier runs the built apps as real processes, which is why `npm test` builds first.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = {
  '^@wharf/(contracts|event-store|read-model|transport|platform|testing|oci|blob-store|registry-token|health|observability)/(.+)$': '<rootDir>/packages/$1/src/$2',
  '^@wharf/blob-store-s3/testing$': '<rootDir>/packages/blob-store-s3/src/testing/s3rver.ts',
  '^@wharf/(event-store-sqlite|event-store-kurrentdb|read-model-sqlite|read-model-mongodb|blob-store-s3)$': '<rootDir>/packages/$1/src/index.ts',
  '^@wharf/(contracts|event-store|read-model|transport|platform|testing|oci|blob-store|registry-token|health|observability)$': '<rootDir>/packages/$1/src/index.ts',
  '^@wharf/(gateway|identity|catalog|access|lifecycle|registry|wharf)$': '<rootDir>/apps/$1/src/index.ts',
};
const common = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname, modulePathIgnorePatterns: ['/dist/'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/packages/testing/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/packages/testing/src/jest-global-teardown.ts',
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/*/src/**/*.e2e.spec.ts'] },
  ],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
