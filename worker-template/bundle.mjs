#!/usr/bin/env node
// Part of `npm run build`, after tsc: replaces dist/worker-template/index.js (what the generated
// worker entry imports as process-sandbox/worker) with one file holding it and everything it
// imports but koffi (the worker runtime, the wire codec, msgpackr). Every worker loads this at
// start-up, before it can answer: as 22 ES modules, resolving and reading them cost Node 20 about
// 6 ms of each start (of about 40 ms of its own), as one file about a tenth of that. koffi stays
// outside: it is native, and loaded only when the worker ties itself to its parent.
// tsc's other files in dist/worker-template stay, for the type declarations and the tests.
//
// The bundle also exports the codec's functions (dist/runtime/codec.js): a worker resolves
// process-sandbox/codec, which the generated codec imports, to this file
// (runtime/worker-condition.ts), so that it loads one module where it loaded five.
// process-sandbox/worker's declarations (tsc's index.d.ts) do not list them: they are the
// codec's API, not the worker's.
//
// The confinement code is a second bundle, dist/worker-template/confine/index.js, which host.ts
// imports only when the bootstrap asks for confinement: compiling it and the built-in modules it
// needs (child_process, crypto, fs/promises, os) cost every worker about 5 ms on Node 20. It has
// its own copy of runtime/koffi-loader.ts, which finds the same koffi instance (Node caches it by path).
// A third, dist/worker-template/confine/first-image.cjs, is what the pool starts for a confined
// worker on Linux before the worker entry (confine/first-image.ts).
import { build } from 'esbuild';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/worker-template/index.js', import.meta.url));
const confine = fileURLToPath(new URL('../dist/worker-template/confine/index.js', import.meta.url));
const spawner = fileURLToPath(new URL('../dist/spawner/main.cjs', import.meta.url));
const firstImage = fileURLToPath(new URL('../dist/worker-template/confine/first-image.js', import.meta.url));

const common = {
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'],
  sourcemap: true,
  logLevel: 'warning',
};

/** Leaves host.js's import of the confinement code as it is, pointing at the second bundle. */
const confineApart = {
  name: 'confine-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/confine\/index\.js$/ }, () => ({ path: './confine/index.js', external: true }));
  },
};

await build({
  ...common,
  stdin: {
    contents: "export * from './index.js';\nexport * from '../runtime/codec.js';\n",
    resolveDir: dirname(entry),
    sourcefile: 'worker-bundle.js',
  },
  outfile: entry,
  plugins: [confineApart],
});
await build({ ...common, entryPoints: [confine], outfile: confine });
// The two CommonJS bundles below: koffi-loader.ts's import.meta.url becomes the file's own URL.
const commonJs = {
  ...common,
  format: 'cjs',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
// The spawner (spawner/main.cts), compiled by tsc to CommonJS, with the koffi loader it imports
// (runtime/koffi-loader.ts) put inside: one file still, as it must start fast.
await build({ ...commonJs, entryPoints: [spawner], outfile: spawner });
// A confined worker's first image (confine/first-image.ts), the script the pool starts in its
// place on Linux: CommonJS, one file, since all it does is restrict itself and execute the worker
// entry (an ES module entry would cost it about 3 ms more).
await build({ ...commonJs, entryPoints: [firstImage], outfile: firstImage.replace(/\.js$/, '.cjs') });
