#!/usr/bin/env node
// Generates the clients the tests use with the compiled sandbox-gen (as a user's build would),
// then compiles them with the implementations under test/workers into test/.generated/js.
// `npm test` runs it before type-checking; vitest's global setup runs it again if it is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'generator/dist/cli.js');
const out = join(root, 'test/.generated');

/** Each service the tests call, and where its generated files go. */
export const services = [
  { input: 'test/services/ITestService.ts', out: 'test/.generated/services' },
  { input: 'test/services/IConfined.ts', out: 'test/.generated/services' },
  { input: 'test/services/ILeases.ts', out: 'test/.generated/services' },
  { input: 'test/services/IElastic.ts', out: 'test/.generated/services' },
  { input: 'test/services/IStreams.ts', out: 'test/.generated/services' },
  { input: 'test/services/ICallContext.ts', out: 'test/.generated/services' },
  { input: 'test/services/ITraced.ts', out: 'test/.generated/services' },
  { input: 'test/services/versions/v1/IVersioned.ts', out: 'test/.generated/versions/v1' },
  { input: 'test/services/versions/v2/IVersioned.ts', out: 'test/.generated/versions/v2' },
];

export function prepare() {
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: run "npm run build" first (npm test does)`);
  }
  rmSync(out, { recursive: true, force: true });
  for (const s of services) {
    execFileSync(process.execPath, [cli, join(root, s.input), '-o', join(root, s.out)], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/tsconfig.generated.json')], { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepare();
