import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'], ImportDeclaration[source.value='zod'][importKind!='type'] > ImportDefaultSpecifier",
          message: "Use `import * as z from 'zod'`: a named or default `z` puts all of zod, every locale included, into each Lambda bundle.",
        },
        { selector: "MemberExpression[object.name='z'][property.name='locales']", message: "Import the locale by its own path (`zod/v4/locales/zh-CN.js`): `z.locales` puts every locale into each Lambda bundle." },
      ],
    },
  },
);
