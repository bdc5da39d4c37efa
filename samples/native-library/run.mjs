#!/usr/bin/env node
// Builds and runs the native-library sample, the way a user's build would:
//   1. cc compiles native.c into build/libnative.so;
//   2. sandbox-gen generates the client, worker entry and codecs from INativeLibrary.ts;
//   3. tsc compiles the sample into dist/;
//   4. node runs dist/main.js; its exit code is this script's.
// With --build-only it stops after step 3 (for a type-check or CI step that needs the generated files).
// `npm run sample` builds the library first (dist/ at the repository root), then runs this.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleSteps } from '../build-steps.mjs';

const sample = dirname(fileURLToPath(import.meta.url));
const { at, step, generateAndCompile, runMain } = sampleSteps(sample, 'npm run sample');

mkdirSync(join(sample, 'build'), { recursive: true });
step('compile native.c into build/libnative.so', 'cc', ['-shared', '-fPIC', '-O2', '-o', at('build/libnative.so'), at('native.c')],
  'The sample compiles a small C library, so it needs a C compiler as "cc":\n'
  + '  Debian/Ubuntu: sudo apt-get install build-essential\n'
  + '  Fedora:        sudo dnf install gcc\n'
  + '  macOS:         xcode-select --install');
generateAndCompile('INativeLibrary.ts');

if (process.argv.includes('--build-only')) process.exit(0);
runMain();
