import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers, and who may import whom. A forbidden import fails `npm run lint`;
 * test/unit/layer-rules.test.ts lints forbidden imports to show the rules bite.
 */
const LAYERS = [
  { type: 'renderer', pattern: 'renderer/src' },
  // The contract's zod schemas and other pure pieces both sides need (channel names, loopback names, time-ago).
  { type: 'shared', pattern: 'electron/shared' },
  // Node-only pieces the Node processes share (secret compare, request bodies, contained paths); never the renderer's.
  { type: 'node-shared', pattern: 'electron/node-shared' },
  { type: 'core', pattern: 'electron/core' },
  { type: 'sandbox', pattern: 'electron/sandbox' },
  { type: 'web', pattern: 'electron/web' },
  { type: 'cli', pattern: 'electron/cli' },
  { type: 'main', pattern: 'electron/main' },
  { type: 'preload', pattern: 'electron/preload' },
];

const ALLOWED = {
  renderer: ['renderer', 'shared'],
  shared: ['shared'],
  'node-shared': ['node-shared', 'shared'],
  core: ['core', 'shared', 'node-shared'],
  sandbox: ['sandbox', 'shared', 'node-shared'],
  web: ['web', 'core', 'shared', 'node-shared'],
  cli: ['cli', 'core', 'shared', 'sandbox', 'web', 'node-shared'],
  main: ['main', 'core', 'shared', 'web', 'node-shared'],
  preload: ['preload', 'shared'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', '.cache/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'test/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'import/resolver': { typescript: { alwaysTryTypes: true, project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(ALLOWED).map(([from, to]) => ({
              from: { element: { type: from } },
              allow: { to: { element: { types: { anyOf: to } } } },
            })),
            // External packages (zod, undici, react…) are anyone's; `electron` is limited below.
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
    },
  },
  {
    // The Electron-free core, the web bridge, the sandbox and the CLI must run in plain Node.
    files: ['electron/core/**', 'electron/web/**', 'electron/sandbox/**', 'electron/cli/**', 'electron/shared/**', 'electron/node-shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron.' }] }],
    },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
);
