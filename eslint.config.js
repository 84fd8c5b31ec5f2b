// Lint for the whole repository: ESLint's and typescript-eslint's recommended rules,
// React's hook rules where hooks live. `pnpm lint:code` runs it; `pnpm test` and CI too.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.next/**',
      '**/.turbo/**',
      '**/.cache/**',
      'test-results/**',
      '**/next-env.d.ts',
      // The API reference `pnpm docs` (TypeDoc) builds.
      'docs/api/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_name` says "unused on purpose" (a destructured-away field, a required parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: [
      'packages/react-hooks/**/*.{ts,tsx}',
      'examples/next-app/**/*.{ts,tsx}',
      'tooling/soak/src/browser/**/*.{ts,tsx}',
    ],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // An error, not a warning: every exception says why in its disable comment.
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
