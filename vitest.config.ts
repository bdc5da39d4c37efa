import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// Tests import the library the way a user does, through its package name, and that
// resolves to the compiled output in dist/ (built by `npm test` before vitest runs).
// Worker processes load the same compiled files, so error classes are one realm.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^process-sandbox$/, replacement: here('./dist/runtime/index.js') },
      { find: /^process-sandbox\/worker$/, replacement: here('./dist/worker-template/index.js') },
      { find: /^process-sandbox\/otel$/, replacement: here('./dist/runtime/otel/index.js') },
      { find: /^process-sandbox\/codec$/, replacement: here('./dist/runtime/codec.js') },
      { find: /^process-sandbox-gen$/, replacement: here('./generator/dist/index.js') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/.generated/**', 'test/consumer/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Memory tests measure the heap after a full collection.
    execArgv: ['--expose-gc'],
    // The JSON report is what .ci/run counts for CI's last line; it runs the suite once per Node.js
    // line and gives each run its own file.
    reporters: ['default', 'json'],
    outputFile: { json: process.env['SANDBOX_VITEST_REPORT'] ?? '.vitest-report.json' },
  },
});
