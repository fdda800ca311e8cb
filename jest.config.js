/** Jest runs the TypeScript sources as native ESM (middy and other dependencies are ESM-only). */
const swcConfig = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcConfig] },
  // Tests live under test/; the sources are roots too, so that `jest --findRelatedTests <source files>` finds the
  // tests that import them. Generated and data folders stay out of the module map.
  roots: ['<rootDir>/test', '<rootDir>/shared', '<rootDir>/functions', '<rootDir>/infra', '<rootDir>/web', '<rootDir>/bench'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
};
