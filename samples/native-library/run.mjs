#!/usr/bin/env node
// Builds and runs the native-library sample, the way a user's build would:
//   1. cc compiles native.c into build/libnative.so;
//   2. sandbox-gen generates the client, worker entry and codecs from INativeLibrary.ts;
//   3. tsc compiles the sample into dist/;
//   4. node runs dist/main.js; its exit code is this script's.
// With --build-only it stops after step 3 (for a type-check or CI step that needs the generated files).
// `npm run sample` builds the library first (dist/ at the repository root), then runs this.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const sample = dirname(fileURLToPath(import.meta.url));
const root = join(sample, '..', '..');
const at = (path) => relative(root, join(sample, path)) || '.';

/** Runs a command from the repository root with inherited output; stops with a message if it fails. */
function step(title, command, args, hint) {
  console.log(`> ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error !== undefined) {
    const missing = result.error.code === 'ENOENT';
    console.error(`run.mjs: cannot run "${command}": ${missing ? 'it was not found on PATH' : result.error.message}${hint ? `\n${hint}` : ''}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    const how = result.signal !== null ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
    console.error(`run.mjs: ${title} failed: "${command} ${args.join(' ')}" ${how}`);
    process.exit(result.status ?? 1);
  }
}

const cli = join(root, 'generator/dist/cli.js');
if (!existsSync(cli)) {
  console.error(`run.mjs: ${relative(root, cli)} is missing: build the library first with "npm run build" (npm run sample does)`);
  process.exit(1);
}

mkdirSync(join(sample, 'build'), { recursive: true });
step('compile native.c into build/libnative.so', 'cc', ['-shared', '-fPIC', '-O2', '-o', at('build/libnative.so'), at('native.c')],
  'The sample compiles a small C library, so it needs a C compiler as "cc":\n'
  + '  Debian/Ubuntu: sudo apt-get install build-essential\n'
  + '  Fedora:        sudo dnf install gcc\n'
  + '  macOS:         xcode-select --install');
step('generate the client from INativeLibrary.ts (sandbox-gen)', process.execPath, [cli, at('INativeLibrary.ts'), '-o', at('generated')]);
step('compile the sample (tsc)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', at('tsconfig.json')]);

if (process.argv.includes('--build-only')) process.exit(0);

console.log('> run dist/main.js\n');
const run = spawnSync(process.execPath, [join(sample, 'dist/main.js')], { cwd: root, stdio: 'inherit' });
if (run.error !== undefined) {
  console.error(`run.mjs: cannot run the sample: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
