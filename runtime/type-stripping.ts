/**
 * Workers may run TypeScript files as they are: the generated `IFoo.worker.ts` of an application
 * started with `node app.ts`, and a `workerModule` ending in `.ts`. Node strips their types by
 * default from 22.18 and 23.6, only with --experimental-strip-types from 22.6 and 23.0, and not
 * at all before. Workers do not inherit the parent's flags, so the pool adds that flag where the
 * workers' Node needs it, and refuses up front, naming the version and the fix, a TypeScript file
 * that the workers' Node cannot run, instead of starting workers that each die of
 * ERR_UNKNOWN_FILE_EXTENSION.
 */
import { ConfigurationError, type ConfigurationIssue } from './errors.js';

const TYPESCRIPT_FILE = /\.[cm]?ts$/;
export const STRIP_TYPES_FLAG = '--experimental-strip-types';
/** Flags with which the user has already decided how workers load TypeScript (or other code): a loader such as tsx, or stripping on or off. */
const USER_DECIDES = /^(?:--(?:no-)?experimental-(?:strip|transform)-types|--import|--loader|--experimental-loader|--require|-r)(?:=|$)/;

export interface TypeStrippingInput {
  readonly workerModule: string;
  readonly workerEntry: string;
  readonly workerExecutable: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What a Node version does with a `.ts` file: runs it, runs it with the flag, or cannot. */
export function typeStripping(version: string): 'default' | 'flag' | 'unsupported' {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) return 'default';
  if (major === 23 || (major === 22 && minor >= 6)) return 'flag';
  return 'unsupported';
}

/**
 * The Node options to put before the user's execArgv for these workers (`[]` or the strip-types
 * flag). Throws ConfigurationError when a TypeScript file cannot run on the workers' Node. Only a
 * worker Node that is this process's own binary is judged: another executable's version is not
 * known here (a wrong one fails as the worker starts, with its stderr in the WorkerStartError).
 */
export function typeStrippingArgs(config: TypeStrippingInput, execPath = process.execPath, version = process.versions.node): string[] {
  const files = (['workerEntry', 'workerModule'] as const).filter((field) => TYPESCRIPT_FILE.test(config[field]));
  if (files.length === 0 || config.workerExecutable !== execPath) return [];
  const nodeOptions = (config.env['NODE_OPTIONS'] ?? '').split(/\s+/);
  if ([...config.execArgv, ...nodeOptions].some((arg) => USER_DECIDES.test(arg))) return [];
  const support = typeStripping(version);
  if (support === 'default') return [];
  if (support === 'flag') return [STRIP_TYPES_FLAG];
  const issues: ConfigurationIssue[] = files.map((field) => ({
    field,
    problem: `"${config[field]}" is a TypeScript file, and Node.js ${version}, which runs the workers, cannot load TypeScript: `
      + `run on Node.js 22.18 or later, where type stripping is on by default (22.6 to 22.17 need ${STRIP_TYPES_FLAG}, which the pool then adds for its workers), `
      + (field === 'workerModule' ? 'or compile the implementation with tsc and point workerModule at the .js' : 'or compile the generated files with tsc and run the .js')
      + ', or pass the TypeScript loader the application runs with in execArgv (["--import", "tsx"])',
  }));
  throw new ConfigurationError(issues);
}
