/** Import declarations of generated files, written one way: values sorted, then types sorted. */
import { jsString } from './identifiers.js';

export interface ImportedName {
  /** The exported name. */
  readonly name: string;
  /** The local name, when it differs (`ICalculatorService as service`). */
  readonly local?: string;
  readonly type?: boolean;
}

export function importDeclaration(specifier: string, names: readonly ImportedName[]): string {
  const byName = (a: ImportedName, b: ImportedName): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const values = names.filter((n) => n.type !== true).sort(byName);
  const types = names.filter((n) => n.type === true).sort(byName);
  const clause = (n: ImportedName): string => (n.local === undefined || n.local === n.name ? n.name : `${n.name} as ${n.local}`);
  const quoted = jsString(specifier);
  if (values.length === 0) return `import type { ${types.map(clause).join(', ')} } from ${quoted};`;
  const all = [...values.map(clause), ...types.map((n) => `type ${clause(n)}`)];
  return `import { ${all.join(', ')} } from ${quoted};`;
}

/**
 * The import specifier of a module at `relativePath` (from the importing file's folder, as
 * path.relative gives it): forward slashes, `./` in front, and `.ts` replaced by `extension`
 * (`.js` turns `.mts` into `.mjs` and `.cts` into `.cjs`; `.ts` keeps the source's own).
 */
export function relativeSpecifier(relativePath: string, extension: string): string {
  const posix = relativePath.split('\\').join('/');
  const match = /(?:\.d)?\.([cm]?)ts(x?)$/.exec(posix);
  const stem = match === null ? posix : posix.slice(0, match.index);
  const ext = match === null ? extension
    : extension === '.js' ? `.${match[1]}js`
    : extension === '.ts' ? `.${match[1]}ts${match[2]}`
    : extension;
  const path = `${stem}${ext}`;
  return path.startsWith('./') || path.startsWith('../') ? path : `./${path}`;
}
