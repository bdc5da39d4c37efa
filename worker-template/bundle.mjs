#!/usr/bin/env node
// Part of `npm run build`, after tsc: replaces dist/worker-template/index.js (what the generated
// worker entry imports as process-sandbox/worker) with one file holding it and everything it
// imports but koffi (the worker runtime, the wire codec, msgpackr). Every worker loads this at
// start-up, before it can answer: as 22 ES modules, resolving and reading them cost Node 20 about
// 6 ms of each start (of about 40 ms of its own), as one file about a tenth of that. koffi stays
// outside: it is native, and loaded only when the worker ties itself to its parent.
// tsc's other files in dist/worker-template stay, for the type declarations and the tests.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/worker-template/index.js', import.meta.url));

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'],
  sourcemap: true,
  logLevel: 'warning',
});
