#!/usr/bin/env node
// Builds and runs the OpenTelemetry sample, the way a user's build would:
//   1. sandbox-gen generates the client, worker entry and codecs from IGreeter.ts;
//   2. tsc compiles the sample into dist/;
//   3. node runs dist/main.js; its exit code is this script's.
// With --build-only it stops after step 2.
// `npm run sample:otel` builds the library first (dist/ at the repository root), then runs this.
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
    const how = result.signal !== null ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
    console.error(`run.mjs: ${title} failed: "${command} ${args.join(' ')}" ${how}`);
    process.exit(result.status ?? 1);
  }
}

const cli = join(root, 'generator/dist/cli.js');
if (!existsSync(cli)) {
  console.error(`run.mjs: ${relative(root, cli)} is missing: build the library first with "npm run build" (npm run sample:otel does)`);
  process.exit(1);
}
step('generate the client from IGreeter.ts (sandbox-gen)', process.execPath, [cli, at('IGreeter.ts'), '-o', at('generated')]);
step('compile the sample (tsc)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', at('tsconfig.json')]);

if (process.argv.includes('--build-only')) process.exit(0);

console.log('> run dist/main.js\n');
const run = spawnSync(process.execPath, [join(sample, 'dist/main.js')], { cwd: root, stdio: 'inherit' });
if (run.error !== undefined) {
  console.error(`run.mjs: cannot run the sample: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
