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
            // shared/domain/: only itself.
            {
              from: { element: { type: 'domain' } },
              disallow: { to: { element: { types: { anyOf: ['ports', 'adapters', 'composition', 'services', 'web', 'functions', 'statemachines', 'infra'] } } } },
            },
            // shared/ports/: domain.
            { from: { element: { type: 'ports' } }, disallow: { to: { element: { types: { anyOf: ['adapters', 'composition', 'services', 'web', 'functions', 'statemachines', 'infra'] } } } } },
            // services (shared/* but domain, ports, adapters, composition): domain, ports, adapters, each other.
            { from: { element: { type: 'services' } }, disallow: { to: { element: { types: { anyOf: ['composition', 'web', 'functions', 'statemachines', 'infra'] } } } } },
            // shared/adapters/{aws,memory,local}/: domain, ports, services.
            { from: { element: { type: 'adapters' } }, disallow: { to: { element: { types: { anyOf: ['composition', 'web', 'functions', 'statemachines', 'infra'] } } } } },
            // shared/composition/ (the AWS root; the embedded root is infra/local/composition.ts): all of shared/.
            { from: { element: { type: 'composition' } }, disallow: { to: { element: { types: { anyOf: ['web', 'functions', 'statemachines', 'infra'] } } } } },
            // web/: domain.
            { from: { element: { type: 'web' } }, disallow: { to: { element: { types: { anyOf: ['ports', 'adapters', 'composition', 'services', 'functions', 'statemachines', 'infra'] } } } } },
            // functions/<name>/: shared/, web/, other functions.
            { from: { element: { type: 'functions' } }, disallow: { to: { element: { types: { anyOf: ['statemachines', 'infra'] } } } } },
            // statemachines/: nothing (ASL; only comments name it).
            {
              from: { element: { type: 'statemachines' } },
              disallow: { to: { element: { types: { anyOf: ['domain', 'ports', 'adapters', 'composition', 'services', 'web', 'functions', 'infra'] } } } },
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      // ARCHITECTURE.md: no AWS SDK, file system, network or process.env in the domain.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@aws-sdk/*',
            '@aws-lambda-powertools/*',
            'node:fs',
            'node:fs/*',
            'fs',
            'fs/*',
            'node:net',
            'net',
            'node:http',
            'http',
            'node:https',
            'https',
            'node:http2',
            'node:tls',
            'tls',
            'node:dgram',
            'node:dns',
            'node:child_process',
            'child_process',
            'nodemailer',
            'imapflow',
          ],
        },
      ],
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
