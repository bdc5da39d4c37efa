/**
 * koffi, for the library's own few libc calls (the worker's: worker-template/harden.ts, limits.ts,
 * confine/; the application's: the kernel probe of runtime/confine/kernel.ts), loaded the short
 * way: its native module required by path, without koffi's JavaScript entry. That entry (an ES module
 * graph that finds the platform's package, reads the ELF header of the Node binary to tell glibc
 * from musl, and wraps a few functions with deprecation warnings) costs a worker 10–25 ms of its
 * start on Node 20 on this kind of machine; the native module alone 3–4 ms. Every worker
 * pays it before it can answer, and a confined pool's first create() before it spawns, so it is
 * worth knowing koffi's layout.
 *
 * Node caches a native module under its real path, so an implementation that imports koffi later
 * gets this same instance through koffi's own loader (which then adds its wrappers to it), not a
 * second one. Where the layout is not koffi 3's (another version, a bundler that moved it), the
 * worker imports koffi the usual way: slower, never wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type KoffiModule from 'koffi';

export type Koffi = typeof KoffiModule;

/** How koffi was loaded, for the tests: its native module by path, or its package entry. */
export let koffiLoadedFrom: 'native module' | 'package' | undefined;

let loading: Promise<Koffi> | undefined;

export function loadKoffi(): Promise<Koffi> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Koffi> {
  const native = nativeModule();
  if (native !== undefined) {
    koffiLoadedFrom = 'native module';
    return native;
  }
  const { default: koffi } = await import('koffi');
  koffiLoadedFrom = 'package';
  return koffi;
}

/**
 * koffi's native module, where koffi 3 keeps it: its platform package (@koromix/koffi-<os>-<cpu>,
 * beside koffi or inside it) or its own build folder, found the way Node would find koffi from
 * here (each ancestor's node_modules) but with a few stats rather than Node's resolver, whose
 * first use costs a worker 4–5 ms. On Linux the glibc build is tried before the musl one, as
 * koffi's own loader does; a build that cannot load on this libc throws and the next is tried.
 * Required through Node's CommonJS loader, so that it is cached under its real path.
 */
function nativeModule(): Koffi | undefined {
  const home = koffiHome();
  if (home === undefined) return undefined;
  try {
    const { version } = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version?: unknown };
    const platformPackage = join('@koromix', `koffi-${process.platform}-${process.arch}`);
    const roots = [join(home, 'node_modules', platformPackage), join(dirname(home), platformPackage), join(home, 'build', 'koffi')];
    const triplets = process.platform === 'linux' ? [`linux_${process.arch}`, `musl_${process.arch}`] : [`${process.platform}_${process.arch}`];
    const require = createRequire(import.meta.url);
    for (const root of roots) {
      for (const triplet of triplets) {
        const file = join(root, triplet, 'koffi.node');
        if (!existsSync(file)) continue;
        try {
          const native = require(file) as Partial<Koffi> & { version?: unknown };
          // The checks koffi's entry makes: the API this file uses, of the package's own version.
          if (typeof native.load === 'function' && native.version === version) return native as Koffi;
        } catch {
          // Built for another libc: the next one.
        }
      }
    }
  } catch {
    // Anything unexpected: the package entry knows best.
  }
  return undefined;
}

/** The koffi package Node would resolve from this file: node_modules/koffi in the nearest ancestor that has one. */
function koffiHome(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const home = join(dir, 'node_modules', 'koffi');
    if (existsSync(join(home, 'package.json'))) return home;
    if (dirname(dir) === dir) return undefined;
  }
}
