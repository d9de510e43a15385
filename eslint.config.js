// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Node built-in module names without the `node:` prefix, subpaths included (fs, fs/promises, path, crypto, ...).
 * Modules that exist only with the prefix (node:test, node:sqlite, ...) are covered by the `node:*` pattern.
 */
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_') && !name.startsWith('node:'));

/** Globals of the Node.js runtime, for plain JavaScript files (TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
  ].map((name) => [name, 'readonly']),
);

const WORKFLOW_SANDBOX_MESSAGE =
  'Workflow code runs in the deterministic Temporal sandbox: Node built-ins are unavailable. Do this in an activity.';
const WORKFLOW_TYPE_ONLY_MESSAGE =
  'Workflows may only `import type` from activities, connectors and db; call activities through proxyActivities().';

/**
 * Imports run down the layers: cli, server → operations → temporal, worker → activities → connectors, db → merge → domain,
 * with config between cli and connectors; tooling (dev servers, demo systems) serves only the cli.
 * Each layer lists the layers it must not import; `db/repositories` names the SQL no entry point may run itself.
 */
const LAYERS = {
  domain: ['activities', 'cli', 'config', 'connectors', 'db', 'merge', 'operations', 'server', 'telemetry', 'temporal', 'tooling', 'workflows', 'worker'],
  merge: ['activities', 'cli', 'config', 'connectors', 'db', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
  db: ['activities', 'cli', 'config', 'connectors', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
  connectors: ['activities', 'cli', 'config', 'db', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
  config: ['activities', 'cli', 'db', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
  activities: ['cli', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
  temporal: ['activities', 'cli', 'connectors', 'db', 'operations', 'server', 'tooling', 'worker'],
  operations: ['cli', 'server', 'tooling', 'worker'],
  server: ['cli', 'db/repositories', 'tooling', 'worker'],
  tooling: ['activities', 'cli', 'operations', 'server', 'worker', 'workflows'],
  cli: ['db/repositories'],
  telemetry: ['activities', 'cli', 'config', 'connectors', 'db', 'merge', 'operations', 'server', 'temporal', 'tooling', 'workflows', 'worker'],
};

const layerRules = Object.entries(LAYERS).map(([layer, forbidden]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})([./-].*)?$`,
            message: `src/${layer} must not import ${forbidden.join(', ')}: imports run down the layers (cli, server → operations → temporal, worker → activities → connectors, db → merge → domain).`,
          },
        ],
      },
    ],
  },
}));

/** `src/worker.ts` wires the worker's dependencies: nothing above it. */
const workerRule = {
  files: ['src/worker.ts'],
  rules: {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ regex: '^\\./(cli|operations|server|tooling)([./-].*)?$', message: 'src/worker.ts must not import cli, operations, server or tooling: they sit above the worker.' }] },
    ],
  },
};

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'data/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Tool configs at the repository root are not part of tsconfig.json's project.
          allowDefaultProject: ['*.config.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // JavaScript entry points and config files are not part of the TypeScript project.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Migrations are frozen in time: they take Kysely<any>, never the application's Database type.
    files: ['src/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...layerRules,
  workerRule,
  {
    // SQL lives in repositories: outside src/db, code calls repository functions.
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='kysely'] ImportSpecifier[imported.name='sql']",
          message: 'SQL belongs in a repository under src/db/repositories; call a repository function here.',
        },
        {
          selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]",
          message: 'Queries belong in a repository under src/db/repositories; call a repository function here.',
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      // The TypeScript variant understands `import type`; the base rule must stay off to avoid duplicate reports.
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: WORKFLOW_SANDBOX_MESSAGE })),
          patterns: [
            { group: ['node:*'], message: WORKFLOW_SANDBOX_MESSAGE },
            {
              regex: '^(\\.\\./)+(activities|connectors|db)([./-].*)?$',
              allowTypeImports: true,
              message: WORKFLOW_TYPE_ONLY_MESSAGE,
            },
          ],
        },
      ],
    },
  },
);
