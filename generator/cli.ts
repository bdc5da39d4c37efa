#!/usr/bin/env node
/**
 * sandbox-gen: `sandbox-gen IFoo.ts [-o dir] [--interface IFoo] [--check]`.
 * Exit codes: 0 done (or fresh with --check), 1 diagnostics or stale files, 2 usage or I/O error.
 */
import { relative } from 'node:path';
import { Command, CommanderError } from 'commander';
import { formatDiagnostic, hasErrors } from './diagnostics.js';
import type { GenerateResult } from './generate.js';
import { generatorVersion } from './package-root.js';
import { checkGenerated, writeGenerated } from './write.js';

interface CliOptions {
  out?: string;
  interface?: string;
  importExtension: string;
  check?: boolean;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('sandbox-gen')
    .description('Generates a typed client, a worker entry and validators (IFoo.client.ts, IFoo.worker.ts, IFoo.codec.ts) '
      + 'for each service interface in a TypeScript file: each exported interface that declares methods and that no other '
      + 'type in the file refers to.')
    .argument('<input>', 'the .ts file that declares the interface')
    .option('-o, --out <dir>', 'folder for the generated files (default: the input file\'s folder)')
    .option('--interface <name>', 'generate for this interface only (default: every exported interface with methods)')
    .option('--import-extension <ext>', 'extension of relative imports in generated code', '.js')
    .option('--check', 'write nothing; exit 1 when a generated file is missing or stale')
    .version(generatorVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .addHelpText('after', '\nExit codes: 0 done or fresh, 1 diagnostics or stale files (--check), 2 usage or I/O error.')
    .showHelpAfterError('(run sandbox-gen --help for usage)')
    .exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  const input = program.args[0]!;
  const options = program.opts<CliOptions>();

  let result: GenerateResult;
  try {
    // Loaded here, not at the top: it brings in the TypeScript compiler, which --help and --version do not need.
    const { generate } = await import('./generate.js');
    result = await generate({ input, outDir: options.out, interfaceName: options.interface, importExtension: options.importExtension });
  } catch (error) {
    process.stderr.write(`sandbox-gen: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }

  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n\n`);
  if (hasErrors(result.diagnostics)) {
    const count = result.diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`sandbox-gen: ${count} error${count === 1 ? '' : 's'} in ${input}; no files written\n`);
    return EXIT_FAILED;
  }

  try {
    if (options.check === true) {
      const stale = await checkGenerated(result);
      if (stale.length === 0) {
        process.stdout.write(`sandbox-gen: ${result.files.length} generated files are up to date\n`);
        return EXIT_OK;
      }
      for (const file of stale) process.stderr.write(`${file.state.padEnd(8)} ${relative(process.cwd(), file.path)}\n`);
      process.stderr.write(`sandbox-gen: ${stale.length} generated file${stale.length === 1 ? ' is' : 's are'} out of date; refresh with:\n  ${refreshCommand(input, options)}\n`);
      return EXIT_FAILED;
    }
    const written = await writeGenerated(result);
    for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
    if (written.length === 0) process.stdout.write(`sandbox-gen: ${result.files.length} generated files are up to date\n`);
    return EXIT_OK;
  } catch (error) {
    process.stderr.write(`sandbox-gen: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
}

/** The command that rewrites the files, with the arguments this run was given. */
function refreshCommand(input: string, options: CliOptions): string {
  const args = [input];
  if (options.out !== undefined) args.push('-o', options.out);
  if (options.interface !== undefined) args.push('--interface', options.interface);
  if (options.importExtension !== '.js') args.push('--import-extension', options.importExtension);
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
