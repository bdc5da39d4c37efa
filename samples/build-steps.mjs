// What every sample's run.mjs does, the way a user's build would: run sandbox-gen on its
// interface, compile it with tsc, then run its dist/main.js. Each step runs from the repository
// root with inherited output and stops the script with a message that names it if it fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The steps of the sample in `sampleDir`; `buildScript` is what builds the library (named in the "build it first" message). */
export function sampleSteps(sampleDir, buildScript) {
  /** A path of the sample, relative to the repository root (where the steps run). */
  const at = (path) => relative(root, join(sampleDir, path)) || '.';

  /** Runs a command; `hint`, if given, is printed when the command cannot be found. */
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

  /** sandbox-gen on the sample's interface file, then tsc on its tsconfig.json. */
  function generateAndCompile(interfaceFile) {
    const cli = join(root, 'generator/dist/cli.js');
    if (!existsSync(cli)) {
      console.error(`run.mjs: ${relative(root, cli)} is missing: build the library first with "npm run build"${buildScript ? ` (${buildScript} does)` : ''}`);
      process.exit(1);
    }
    step(`generate the client from ${interfaceFile} (sandbox-gen)`, process.execPath, [cli, at(interfaceFile), '-o', at('generated')]);
    step('compile the sample (tsc)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', at('tsconfig.json')]);
  }

  /** Runs dist/main.js with `args`, and exits with its exit code. */
  function runMain(args = []) {
    console.log('> run dist/main.js\n');
    const run = spawnSync(process.execPath, [join(sampleDir, 'dist/main.js'), ...args], { cwd: root, stdio: 'inherit' });
    if (run.error !== undefined) {
      console.error(`run.mjs: cannot run the sample: ${run.error.message}`);
      process.exit(1);
    }
    process.exit(run.status ?? 1);
  }

  return { at, step, generateAndCompile, runMain };
}
