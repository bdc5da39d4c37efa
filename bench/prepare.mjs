#!/usr/bin/env node
// Generates the IBench client with the compiled sandbox-gen (as a user's build would), then
// compiles it and the implementation into bench/.generated/js. Same steps as test/prepare.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const root = here('..');
const cli = here('../generator/dist/cli.js');
const out = here('./.generated');

/** Where the compiled files land, for the scripts that import them. */
export const compiled = {
  client: here('./.generated/js/.generated/IBench.client.js'),
  implementation: here('./.generated/js/bench-service.js'),
};

export function prepare() {
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: run "npm run build" first (npm run bench does)`);
  }
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [cli, here('./IBench.ts'), '-o', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [here('../node_modules/typescript/bin/tsc'), '-p', here('./tsconfig.generated.json')], { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepare();
