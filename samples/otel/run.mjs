#!/usr/bin/env node
// Builds and runs the OpenTelemetry sample, the way a user's build would:
//   1. sandbox-gen generates the client, worker entry and codecs from IGreeter.ts;
//   2. tsc compiles the sample into dist/;
//   3. node runs dist/main.js; its exit code is this script's.
// With --build-only it stops after step 2.
// `npm run sample:otel` builds the library first (dist/ at the repository root), then runs this.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleSteps } from '../build-steps.mjs';

const { generateAndCompile, runMain } = sampleSteps(dirname(fileURLToPath(import.meta.url)), 'npm run sample:otel');

generateAndCompile('IGreeter.ts');
if (process.argv.includes('--build-only')) process.exit(0);
runMain();
