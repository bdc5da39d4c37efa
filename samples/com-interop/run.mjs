#!/usr/bin/env node
// Builds and runs the COM-interop sample, the way a user's build would:
//   1. sandbox-gen generates the client, worker entry and codecs from IComDictionary.ts;
//   2. tsc compiles the sample into dist/;
//   3. on Windows, node runs dist/main.js (with --worker-node <node.exe> passed on, for a
//      32-bit worker); its exit code is this script's.
// With --build-only it stops after step 2: that is what runs on Linux, before the Windows tests
// run dist/main.js in node.exe under Wine (docs/platforms.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const sample = dirname(fileURLToPath(import.meta.url));
const root = join(sample, '..', '..');
const at = (path) => relative(root, join(sample, path)) || '.';

/** Runs a command from the repository root with inherited output; stops with a message if it fails. */
function step(title, command, args) {
  console.log(`> ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error !== undefined) {
    console.error(`run.mjs: cannot run "${command}": ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`run.mjs: ${title} failed: "${command} ${args.join(' ')}" exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

const cli = join(root, 'generator/dist/cli.js');
if (!existsSync(cli)) {
  console.error(`run.mjs: ${relative(root, cli)} is missing: build the library first with "npm run build"`);
  process.exit(1);
}
step('generate the client from IComDictionary.ts (sandbox-gen)', process.execPath, [cli, at('IComDictionary.ts'), '-o', at('generated')]);
step('compile the sample (tsc)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', at('tsconfig.json')]);

if (process.argv.includes('--build-only')) process.exit(0);
if (process.platform !== 'win32') {
  console.error('run.mjs: COM exists on Windows only. Run this on Windows, or build here with --build-only and run\n'
    + '  dist/main.js in Windows node.exe under Wine, as the Windows tests do (see docs/platforms.md)');
  process.exit(1);
}

console.log('> run dist/main.js\n');
const flag = process.argv.indexOf('--worker-node');
const run = spawnSync(process.execPath, [join(sample, 'dist/main.js'), ...(flag > 0 ? process.argv.slice(flag, flag + 2) : [])], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
