import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', '.tousu/**', 'coverage/**', 'web/static/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Type-checked rules (issue 16): a promise nobody awaits or a promise where a callback returns void loses
    // its error (an unhandled rejection on Lambda, a crash in the runtime). The project service reads tsconfig.json.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The layer table of README.md ("Where things are"), checked on every import (issue 16). Each row's
    // policy says what its files may not import; layers not named here (config/, test/, bench/) are free.
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/elements': [
        { type: 'domain', pattern: 'shared/domain' },
        { type: 'ports', pattern: 'shared/ports' },
        { type: 'adapters', pattern: 'shared/adapters' },
        { type: 'composition', pattern: 'shared/composition' },
        { type: 'services', pattern: 'shared/*' },
        { type: 'web', pattern: 'web' },
        { type: 'functions', pattern: 'functions' },
        { type: 'statemachines', pattern: 'statemachines' },
        { type: 'infra', pattern: 'infra' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            { from: { element: { type: 'domain' } }, disallow: { to: { element: { types: { anyOf: ['ports', 'adapters', 'composition', 'services', 'web', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'ports' } }, disallow: { to: { element: { types: { anyOf: ['adapters', 'composition', 'services', 'web', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'services' } }, disallow: { to: { element: { types: { anyOf: ['composition', 'web', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'adapters' } }, disallow: { to: { element: { types: { anyOf: ['composition', 'web', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'composition' } }, disallow: { to: { element: { types: { anyOf: ['web', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'web' } }, disallow: { to: { element: { types: { anyOf: ['ports', 'adapters', 'composition', 'services', 'functions', 'infra'] } } } } },
            { from: { element: { type: 'functions' } }, disallow: { to: { element: { type: 'infra' } } } },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'node:fs', 'fs', 'node:net', 'node:http'] }],
      'no-restricted-globals': ['error', 'process'],
    },
  },
  {
    // Bundle size (issue 11): esbuild keeps every export of zod, all locales included (~350 KB per Lambda bundle),
    // as soon as one module takes `z` as a value (`import { z } from 'zod'`, or `z.locales`). Import the namespace.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'], ImportDeclaration[source.value='zod'][importKind!='type'] > ImportDefaultSpecifier",
          message: "Use `import * as z from 'zod'`: a named or default `z` puts all of zod, every locale included, into each Lambda bundle.",
        },
        {
          selector: "MemberExpression[object.name='z'][property.name='locales']",
          message: 'Import the locale by its own path (`zod/v4/locales/zh-CN.js`): `z.locales` puts every locale into each Lambda bundle.',
        },
      ],
    },
  },
);
