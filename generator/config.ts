/**
 * `sandbox.config.json`: the inputs of a project and where their files go, so a build runs
 * plain `sandbox-gen` (or `sandbox-gen --check` in CI). Found in the working directory or the
 * nearest folder above it, or named with `-c`. Paths in it are relative to the file's folder.
 *
 * ```json
 * {
 *   "importExtension": ".js",
 *   "inputs": [
 *     { "input": "src/IConverter.ts", "out": "src/generated" },
 *     { "input": "src/services.ts", "interface": "IAudit", "out": "src/generated" }
 *   ]
 * }
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { GenerateOptions } from './generate.js';

export const CONFIG_FILE = 'sandbox.config.json';

/** Options that apply to every input, unless the input says otherwise. */
export interface ConfigDefaults {
  /** Folder for the generated files. @default each input's own folder */
  out?: string;
  /** Extension of relative imports in generated code. @default ".js" */
  importExtension?: string;
  /** The tsconfig.json whose compiler options resolve imports. @default the nearest one above each input */
  tsconfig?: string;
  /** A folder of templates replacing the built-in ones it holds (docs/templates.md). @default the built-in templates */
  templates?: string;
}

export interface ConfigInput extends ConfigDefaults {
  /** The .ts file that declares the service interface(s). */
  input: string;
  /** Generate for this interface only. @default every service interface of the file */
  interface?: string;
}

export interface SandboxConfig extends ConfigDefaults {
  inputs: ConfigInput[];
}

/** A config file that cannot be used: the CLI reports it as a usage error (exit 2). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The nearest sandbox.config.json in `dir` or above it. */
export function findConfig(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const candidate = join(current, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** Reads a config file into one GenerateOptions per input, with absolute paths. */
export function loadConfig(file: string): GenerateOptions[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return configTargets(raw, dirname(resolve(file)), file);
}

/** Validates a parsed config and resolves its paths against `base`. */
export function configTargets(raw: unknown, base: string, name = CONFIG_FILE): GenerateOptions[] {
  const bad = (what: string): never => {
    throw new ConfigError(`${name}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('expected an object with "inputs"');
  const config = raw as Record<string, unknown>;
  const known = new Set(['$schema', 'inputs', 'out', 'importExtension', 'tsconfig', 'templates']);
  for (const key of Object.keys(config)) if (!known.has(key)) bad(`unknown option "${key}" (known: ${[...known].slice(1).join(', ')})`);
  const defaults = readDefaults(config, '', bad);
  if (!Array.isArray(config['inputs']) || config['inputs'].length === 0) bad('"inputs" must be a non-empty array of { "input": "path/to/IService.ts", … }');
  return (config['inputs'] as unknown[]).map((entry, i) => {
    const where = `inputs[${i}]`;
    if (typeof entry === 'string') entry = { input: entry };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(`${where} must be a path or an object with "input"`);
    const e = entry as Record<string, unknown>;
    const allowed = new Set(['input', 'interface', 'out', 'importExtension', 'tsconfig', 'templates']);
    for (const key of Object.keys(e)) if (!allowed.has(key)) bad(`${where}: unknown option "${key}" (known: ${[...allowed].join(', ')})`);
    if (typeof e['input'] !== 'string' || e['input'].length === 0) bad(`${where}.input must be the path of a .ts file`);
    if (e['interface'] !== undefined && typeof e['interface'] !== 'string') bad(`${where}.interface must be a string`);
    const own = readDefaults(e, `${where}.`, bad);
    const out = own.out ?? defaults.out;
    const tsconfig = own.tsconfig ?? defaults.tsconfig;
    const templates = own.templates ?? defaults.templates;
    return {
      input: resolve(base, e['input'] as string),
      outDir: out === undefined ? undefined : resolve(base, out),
      interfaceName: e['interface'] as string | undefined,
      importExtension: own.importExtension ?? defaults.importExtension,
      tsconfig: tsconfig === undefined ? undefined : resolve(base, tsconfig),
      templates: templates === undefined ? undefined : resolve(base, templates),
    };
  });
}

function readDefaults(o: Record<string, unknown>, prefix: string, bad: (what: string) => never): ConfigDefaults {
  const out: ConfigDefaults = {};
  for (const key of ['out', 'importExtension', 'tsconfig', 'templates'] as const) {
    const value = o[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') bad(`${prefix}${key} must be a string`);
    out[key] = value as string;
  }
  return out;
}
