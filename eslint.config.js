// @ts-check
// ESLint for the whole tree (`npm run lint`, part of `npm test`): the recommended rules of ESLint,
// typescript-eslint and eslint-plugin-svelte, and gmemlab/layers, which holds every import to the
// folder table in layers.js (README.md, "Where things are").
import { dirname, join, relative, sep } from 'node:path';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import { checkFileImport, checkPackageImport, EXEMPT_FILES } from './layers.js';

const root = import.meta.dirname;
const projectPath = (/** @type {string} */ file) => relative(root, file).split(sep).join('/');

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the folder table in layers.js' },
    schema: [],
  },
  create(context) {
    const from = projectPath(context.filename);
    /** @param {import('estree').Node} node @param {unknown} specifier */
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const problem = specifier.startsWith('.')
        ? checkFileImport(from, projectPath(join(dirname(context.filename), specifier)))
        : checkPackageImport(from, specifier);
      if (problem !== null) context.report({ node, message: problem });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default ts.config(
  { ignores: ['out/', 'node_modules/', 'test-results/', 'e2e/artifacts/', 'renderer/public/', '.tmp/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { gmemlab: { rules: { layers: layersRule } } },
    rules: { 'gmemlab/layers': 'error' },
  },
  { files: EXEMPT_FILES, rules: { 'gmemlab/layers': 'off' } },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte', 'renderer/**/*.svelte.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      // Unused arguments named _x are kept on purpose (callbacks with a fixed signature).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Flags every Set and Map in a component, also scratch ones built inside a $derived or a
      // function and bookkeeping that must not cause updates (History's pages in flight): ours are
      // all of these. SvelteSet is for state the page shows and mutates in place.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
);
