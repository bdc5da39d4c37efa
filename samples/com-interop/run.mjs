#!/usr/bin/env node
// Builds and runs the COM-interop sample, the way a user's build would:
//   1. sandbox-gen generates the client, worker entry and codecs from IComDictionary.ts;
//   2. tsc compiles the sample into dist/;
//   3. on Windows, node runs dist/main.js (with --worker-node <node.exe> passed on, for a
//      32-bit worker); its exit code is this script's.
// With --build-only it stops after step 2: that is what runs on Linux, before the Windows tests
// run dist/main.js in node.exe under Wine (docs/platforms.md).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleSteps } from '../build-steps.mjs';

const { generateAndCompile, runMain } = sampleSteps(dirname(fileURLToPath(import.meta.url)));

generateAndCompile('IComDictionary.ts');

if (process.argv.includes('--build-only')) process.exit(0);
if (process.platform !== 'win32') {
  console.error('run.mjs: COM exists on Windows only. Run this on Windows, or build here with --build-only and run\n'
    + '  dist/main.js in Windows node.exe under Wine, as the Windows tests do (see docs/platforms.md)');
  process.exit(1);
}

const flag = process.argv.indexOf('--worker-node');
runMain(flag > 0 ? process.argv.slice(flag, flag + 2) : []);
