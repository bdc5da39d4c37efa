/**
 * The generator package's own folder (process-sandbox-gen), found by walking up from this module
 * to the nearest package.json, and its templates. The same code finds them whether it runs
 * compiled from generator/dist/ (or an installed package's dist/) or from source in generator/.
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

/**
 * Compiled, the templates are beside the modules, in dist/templates (the build copies them there,
 * since npm packs only the package's own folder); run from source, as the tests do, they are the
 * repository's top-level templates/.
 */
export function templatesDir(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? '../templates/' : './templates/', here));
}
