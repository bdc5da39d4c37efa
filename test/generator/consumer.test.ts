// A new user's project (test/consumer), installed the way an application installs the library:
// process-sandbox as a dependency and process-sandbox-gen as a dev dependency, both from tarballs
// that `npm pack` makes of this repository's packages (so a file that is missing from a package's
// "files" fails here, as it would for a user). Its build runs sandbox-gen (from
// sandbox.config.json) and tsc; it calls a worker. Then a production install (`npm ci
// --omit=dev`) must bring no generator: none of ts-morph, TypeScript, handlebars, commander;
// neither install brings OpenTelemetry (process-sandbox/otel's optional peer); and the built
// application must still run on it. The project is copied to a temporary folder first, so its
// node_modules and build output never land in the repository.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, tempDir } from './fixtures.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
/** What the generator brings, and what an application's production install must not have. */
const GENERATOR_ONLY = ['process-sandbox-gen', 'ts-morph', '@ts-morph', 'typescript', 'handlebars', 'commander'];

/** Runs npm; a failure says what npm and the program printed, not only that it failed. */
const npmIn = (cwd: string, ...args: string[]): string => {
  try {
    return execFileSync(npm, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${e.message}\n--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`);
  }
};

/** Bytes of the files under `path` (what npm calls the unpacked size), symlinks not followed. */
function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Top-level packages in a node_modules folder, scoped ones as `@scope/name`. */
function packagesIn(modules: string): string[] {
  return readdirSync(modules).filter((n) => !n.startsWith('.')).flatMap((n) =>
    n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]);
}

describe('a consumer package', () => {
  it('installs both packed packages, generates in its build, compiles, calls a worker, and runs on a production install without the generator', () => {
    for (const built of ['dist/runtime/index.js', 'generator/dist/cli.js', 'generator/dist/templates/client.hbs']) {
      if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run "npm run build" first (npm test does)`);
    }
    const packs = tempDir('sandbox-packs-');
    // --ignore-scripts: the build is done; prepare would run it again.
    const tarball = (...workspace: string[]): string => {
      const [packed] = JSON.parse(npmIn(root, 'pack', '--json', '--ignore-scripts', '--pack-destination', packs, ...workspace)) as { filename: string }[];
      return join(packs, packed!.filename);
    };
    const runtimeTarball = tarball();
    const generatorTarball = tarball('--workspace', 'generator');

    const dir = tempDir('sandbox-consumer-');
    cpSync(join(root, 'test/consumer'), dir, { recursive: true, filter: (src) => !/node_modules|dist|generated/.test(src.slice(root.length)) });
    const pkgPath = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, Record<string, string>>;
    pkg['dependencies']!['process-sandbox'] = `file:${runtimeTarball}`;
    pkg['devDependencies']!['process-sandbox-gen'] = `file:${generatorTarball}`;
    for (const deps of [pkg['dependencies']!, pkg['devDependencies']!]) {
      for (const [name, spec] of Object.entries(deps)) deps[name] = spec.replace('file:../..', `file:${root}`);
    }
    writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

    // The packages' own dependencies come from npm's cache, which the repository's install filled.
    npmIn(dir, 'install', '--prefer-offline');
    const fullBytes = sizeOf(join(dir, 'node_modules'));
    // Not even with its dev dependencies (below: nor in production) does an application that does
    // not use OpenTelemetry get any of it.
    expect(packagesIn(join(dir, 'node_modules')).filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
    const build = npmIn(dir, 'run', 'build');
    expect(build).toContain('wrote src/generated/IInventory.client.ts');
    expect(npmIn(dir, 'run', 'check')).toContain('up to date');

    const expected = {
      count: 2,
      found: ['b-2'],
      stockIsBigint: true,
      stock: '18446744073709551616',
      updatedIsDate: true,
      updated: '2024-05-02T11:00:00.000Z',
      photoIsBuffer: true,
      photo: 'png',
      ranElsewhere: true,
    };
    const lastLine = (out: string): unknown => JSON.parse(out.trim().split('\n').at(-1)!);
    expect(lastLine(npmIn(dir, 'start'))).toEqual(expected);

    // Production: what the application ships.
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    npmIn(dir, 'ci', '--omit=dev', '--prefer-offline');
    const modules = join(dir, 'node_modules');
    const installed = packagesIn(modules);
    expect(installed.filter((p) => GENERATOR_ONLY.some((g) => p === g || p.startsWith(`${g}/`)))).toEqual([]);
    expect(installed).toContain('process-sandbox');
    // @opentelemetry/api is an optional peer (process-sandbox/otel): an application without it installs none.
    expect(installed.filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
    expect(lastLine(npmIn(dir, 'start'))).toEqual(expected);

    const sizes = installed.map((p) => ({ p, bytes: sizeOf(join(modules, p)) })).sort((a, b) => b.bytes - a.bytes);
    const total = sizeOf(modules);
    console.log([
      `npm ci --omit=dev: ${mb(total)} in node_modules (${installed.length} packages; with the dev dependencies, generator included: ${mb(fullBytes)})`,
      ...sizes.slice(0, 6).map(({ p, bytes }) => `  ${p}: ${mb(bytes)}`),
    ].join('\n'));
  }, 300_000);
});
