/**
 * The package's own folder, found by walking up from this module to the nearest package.json.
 * The same code then finds `templates/` and the version whether it runs compiled from
 * dist/generator/ or from source in generator/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`[sandbox-gen] cannot find package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

let version: string | undefined;

/** The version in the package's package.json, stamped into every generated file. */
export function generatorVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

export function templatesDir(): string {
  return join(packageRoot(), 'templates');
}
