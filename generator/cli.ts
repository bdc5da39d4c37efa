#!/usr/bin/env node
/**
 * sandbox-gen: `sandbox-gen [IFoo.ts] [-o dir] [--interface IFoo] [--templates dir] [--check] [--watch] [-c sandbox.config.json]`.
 * Without an input, the inputs come from sandbox.config.json (found upward from the working
 * directory, or named with -c).
 * Exit codes: 0 done (or fresh with --check), 1 diagnostics or stale files, 2 usage or I/O error.
 */
import { relative } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, findConfig, loadConfig } from './config.js';
import { formatDiagnostic, hasErrors } from './diagnostics.js';
import type { GenerateOptions, GenerateResult } from './generate.js';
import { generatorVersion } from './package-root.js';
import { checkGenerated, writeGenerated } from './write.js';

interface CliOptions {
  out?: string;
  interface?: string;
  importExtension?: string;
  tsconfig?: string;
  templates?: string;
  config?: string;
  check?: boolean;
  watch?: boolean;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('sandbox-gen')
    .description('Generates a typed client, a worker entry and validators (IFoo.client.ts, IFoo.worker.ts, IFoo.codec.ts) '
      + 'for each service interface in a TypeScript file: each exported interface that declares methods and that no other '
      + 'type in the file refers to. Without <input>, generates every input listed in sandbox.config.json.')
    .argument('[input]', 'the .ts file that declares the interface (default: the inputs of sandbox.config.json)')
    .option('-o, --out <dir>', 'folder for the generated files (default: the input file\'s folder)')
    .option('--interface <name>', 'generate for this interface only (default: every exported interface with methods)')
    .option('--import-extension <ext>', 'extension of relative imports in generated code (default: .js)')
    .option('--tsconfig <file>', 'tsconfig.json whose compiler options resolve the input\'s imports (default: the nearest one above the input)')
    .option('--templates <dir>', 'folder whose client.hbs, worker.hbs or codec.hbs replace the built-in templates, and whose other .hbs files are partials (default: the built-in templates)')
    .option('-c, --config <file>', 'read the inputs and options from this file (default: sandbox.config.json here or above)')
    .option('--check', 'write nothing; exit 1 when a generated file is missing or stale')
    .option('-w, --watch', 'generate, then regenerate whenever the input or a file it imports changes')
    .version(generatorVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .addHelpText('after', '\nExit codes: 0 done or fresh, 1 diagnostics or stale files (--check), 2 usage or I/O error.'
      + '\nDocs: docs/build-integration.md, docs/diagnostics.md, docs/supported-types.md in the process-sandbox repository.')
    .showHelpAfterError('(run sandbox-gen --help for usage)')
    .exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  const options = program.opts<CliOptions>();

  let targets: GenerateOptions[];
  let refresh: string;
  try {
    ({ targets, refresh } = resolveTargets(program.args[0], options));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    process.stderr.write(`sandbox-gen: ${error.message}\n(run sandbox-gen --help for usage)\n`);
    return EXIT_USAGE;
  }
  if (options.check === true && options.watch === true) {
    process.stderr.write('sandbox-gen: --check and --watch cannot be combined\n');
    return EXIT_USAGE;
  }

  // Loaded here, not at the top: it brings in the TypeScript compiler, which --help and --version do not need.
  const { generate } = await import('./generate.js');

  if (options.watch === true) {
    const { watchTargets } = await import('./watch.js');
    const watcher = await watchTargets(targets, async (target) => (await runTarget(generate, target, false, refresh)).sources);
    process.stdout.write(`sandbox-gen: watching ${targets.length === 1 ? targets[0]!.input : `${targets.length} inputs`} and the files they import (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    watcher.close();
    return EXIT_OK;
  }

  let code = EXIT_OK;
  for (const target of targets) code = Math.max(code, (await runTarget(generate, target, options.check === true, refresh)).code);
  return code;
}

/** The targets of this run: the input on the command line, or those of the config file. */
function resolveTargets(input: string | undefined, options: CliOptions): { targets: GenerateOptions[]; refresh: string } {
  if (input !== undefined) {
    if (options.config !== undefined) throw new UsageError('give either an input file or -c/--config, not both');
    const target: GenerateOptions = {
      input, outDir: options.out, interfaceName: options.interface, importExtension: options.importExtension, tsconfig: options.tsconfig,
      templates: options.templates,
    };
    return { targets: [target], refresh: refreshCommand(input, options) };
  }
  if (options.out !== undefined || options.interface !== undefined) {
    throw new UsageError('-o/--out and --interface need an input file; with a config file, set "out" and "interface" per input there');
  }
  const file = options.config ?? findConfig(process.cwd());
  if (file === undefined) throw new UsageError('no input file given and no sandbox.config.json found here or above');
  const targets = loadConfig(file).map((t) => ({
    ...t,
    importExtension: options.importExtension ?? t.importExtension,
    tsconfig: options.tsconfig ?? t.tsconfig,
    templates: options.templates ?? t.templates,
  }));
  // --import-extension .js is kept: here it overrides what the config file says.
  return { targets, refresh: command([...(options.config === undefined ? [] : ['-c', options.config]), ...overrides(options, false)]) };
}

interface TargetOutcome {
  readonly code: number;
  readonly sources: readonly string[];
}

/** Generates one target and writes (or checks) its files, reporting on stdout and stderr. */
async function runTarget(
  generate: (options: GenerateOptions) => Promise<GenerateResult>, target: GenerateOptions, check: boolean, refresh: string,
): Promise<TargetOutcome> {
  const shown = relative(process.cwd(), target.input) || target.input;
  let result: GenerateResult;
  try {
    result = await generate(target);
  } catch (error) {
    process.stderr.write(`sandbox-gen: ${(error as Error).message}\n`);
    return { code: EXIT_USAGE, sources: [] };
  }

  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n\n`);
  if (hasErrors(result.diagnostics)) {
    const count = result.diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`sandbox-gen: ${count} error${count === 1 ? '' : 's'} in ${shown}; no files written\n`);
    return { code: EXIT_FAILED, sources: result.sources };
  }

  try {
    if (check) {
      const stale = await checkGenerated(result);
      if (stale.length === 0) {
        process.stdout.write(`sandbox-gen: ${result.files.length} generated files are up to date\n`);
        return { code: EXIT_OK, sources: result.sources };
      }
      for (const file of stale) process.stderr.write(`${file.state.padEnd(8)} ${relative(process.cwd(), file.path)}\n`);
      process.stderr.write(`sandbox-gen: ${stale.length} generated file${stale.length === 1 ? ' is' : 's are'} out of date; refresh with:\n  ${refresh}\n`);
      return { code: EXIT_FAILED, sources: result.sources };
    }
    const written = await writeGenerated(result);
    for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
    if (written.length === 0) process.stdout.write(`sandbox-gen: ${result.files.length} generated files are up to date\n`);
    return { code: EXIT_OK, sources: result.sources };
  } catch (error) {
    process.stderr.write(`sandbox-gen: ${(error as Error).message}\n`);
    return { code: EXIT_USAGE, sources: result.sources };
  }
}

/** The command that rewrites the files, with the arguments this run was given. */
function refreshCommand(input: string, options: CliOptions): string {
  const args = [input];
  if (options.out !== undefined) args.push('-o', options.out);
  if (options.interface !== undefined) args.push('--interface', options.interface);
  // With an input file, .js is the default: no need to say it.
  return command([...args, ...overrides(options, true)]);
}

/** The options a config file's entries may also set, as this run was given them. */
function overrides(options: CliOptions, omitDefaultExtension: boolean): string[] {
  const args: string[] = [];
  if (options.importExtension !== undefined && !(omitDefaultExtension && options.importExtension === '.js')) args.push('--import-extension', options.importExtension);
  if (options.tsconfig !== undefined) args.push('--tsconfig', options.tsconfig);
  if (options.templates !== undefined) args.push('--templates', options.templates);
  return args;
}

function command(args: readonly string[]): string {
  return ['sandbox-gen', ...args.map(shellQuote)].join(' ');
}

function shellQuote(arg: string): string {
  return /^[\w./@:=+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`sandbox-gen: internal error, please report it: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = EXIT_USAGE;
}
