// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'generator/dist/**', 'node_modules/**', 'test/.generated/**', 'bench/.generated/**', 'samples/**/generated/**', 'samples/**/dist/**', '**/node_modules/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Generated files carry /* eslint-disable */ for users' lint rules; these rules still apply to
    // them in test/generator/compile.test.ts, which lints them with inline config off.
    files: ['test/fixtures/*/expected/**'],
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
);
