/**
 * Runs the Windows tests' scripts in Windows node.exe under Wine, from vitest on Linux.
 *
 * Wine comes from the setup script (test/windows/setup-wine-node.sh, which .ci/run calls): its
 * env.sh defines WINE, NODE_X64 and NODE_IA32, and SANDBOX_WINE_ENV names that file. Without
 * it the tests skip and say why. node.exe dies with EBADF when its stdout or stderr is a Unix
 * pipe, so each script's output goes to a log file, and its result comes back as JSON in another.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export interface Wine {
  /** The environment node.exe runs in: WINEPREFIX, WINEDLLPATH, …, DISPLAY unset. */
  readonly env: NodeJS.ProcessEnv;
  readonly wine: string;
  readonly wineserver: string;
  readonly nodeX64: string;
  readonly nodeIa32: string;
  /** The folder the setup script filled (env.sh's). */
  readonly dest: string;
}

export type Arch = 'x64' | 'ia32';

/** Why the Windows tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.platform !== 'linux') return `they run Windows node.exe under Wine on Linux; this is ${process.platform}`;
  if (process.env['SANDBOX_WINDOWS_TESTS'] === '0') {
    return 'SANDBOX_WINDOWS_TESTS=0: this run leaves them to another Node.js line (.ci/run runs them on one line only, see .ci/run)';
  }
  if (process.env['SANDBOX_WINE_ENV'] === undefined) {
    return 'SANDBOX_WINE_ENV is not set. Set Wine up with `DEST=/opt/wine-node test/windows/setup-wine-node.sh` '
      + '(as root, ~1 min, see docs/platforms.md), then run with SANDBOX_WINE_ENV=/opt/wine-node/env.sh; .ci/run does both';
  }
  return undefined;
}

/** Reads env.sh the way a shell would; throws if SANDBOX_WINE_ENV names no usable setup. */
export function loadWine(): Wine {
  const file = process.env['SANDBOX_WINE_ENV']!;
  if (!existsSync(file)) throw new Error(`SANDBOX_WINE_ENV=${file}: no such file; run test/windows/setup-wine-node.sh with DEST set to its folder`);
  const dump = execFileSync('bash', ['-c', 'set -a; . "$0"; exec env -0', file], { encoding: 'utf8' });
  const env: NodeJS.ProcessEnv = {};
  for (const entry of dump.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || !existsSync(value)) throw new Error(`${file} does not define ${name} as an existing file (got ${String(value)})`);
    return value;
  };
  const wine = need('WINE');
  return { env, wine, wineserver: join(dirname(wine), 'wineserver'), nodeX64: need('NODE_X64'), nodeIa32: need('NODE_IA32'), dest: dirname(file) };
}

/** The Windows spelling of a Unix path: Wine maps / to drive Z:. */
export function windowsPath(unixPath: string): string {
  return `Z:${unixPath.replaceAll('/', '\\')}`;
}

/**
 * Everything the scripts need, idempotently: a running wineserver (so each node.exe starts in
 * ~0.15 s), koffi's Windows native packages beside the Linux ones, and the test service's client.
 */
export function prepare(w: Wine): void {
  // -p 60: stay up for 60 s after the last Wine process, so the tests' many short runs share it.
  // Exits at once with an error when one is already running for this prefix, which is fine.
  try { execFileSync(w.wineserver, ['-p', '60'], { env: w.env, stdio: 'ignore', timeout: 10_000 }); } catch { /* already running */ }
  installKoffiNatives(w);
  generateClient();
}

/**
 * koffi loads its native part from node_modules/@koromix/koffi-<platform>-<arch>, which a Linux
 * npm install does not fetch for win32. The setup script unpacked them; copy them beside the
 * Linux one (node_modules is not checked in) when they are missing or of another version.
 */
function installKoffiNatives(w: Wine): void {
  const version = (dir: string): string | undefined => {
    try { return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version; } catch { return undefined; }
  };
  const koffi = version(join(root, 'node_modules/koffi'));
  for (const arch of ['x64', 'ia32']) {
    const name = `@koromix/koffi-win32-${arch}`;
    const target = join(root, 'node_modules', name);
    if (version(target) === koffi) continue;
    const source = join(w.dest, 'node_modules', name);
    if (version(source) !== koffi) {
      throw new Error(`${source} is koffi ${String(version(source))}, but this repository uses koffi ${String(koffi)}: run the setup script again with KOFFI_VER=${String(koffi)}`);
    }
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, { recursive: true });
  }
}

/** sandbox-gen and tsc for the test service, as a user's build would (test/prepare.mjs does the same for the Linux tests). */
function generateClient(): void {
  const cli = join(root, 'generator/dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does)`);
  rmSync(join(root, 'test/.generated/windows'), { recursive: true, force: true });
  execFileSync(process.execPath, [cli, join(here, 'service/IWindowsService.ts'), '-o', join(root, 'test/.generated/windows/src')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
}

export interface Run<T> {
  readonly result: T;
  /** What node.exe wrote to stdout and stderr. */
  readonly log: string;
  readonly ms: number;
}

/** A script running in the background (for the tests that kill it). */
export interface Running {
  /** The Linux pid of the Wine process that is node.exe. */
  readonly child: ChildProcess;
  /** Resolves with the script's result file once the script has written it. */
  result<T>(timeoutMs?: number): Promise<T>;
  log(): string;
  readonly exited: Promise<void>;
}

let scratch: string | undefined;
let runs = 0;

/** Starts `node.exe scripts/<script> <result file> ...args` under Wine. */
export function start(w: Wine, script: string, options: { arch?: Arch; args?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Running {
  scratch ??= mkdtempSync(join(tmpdir(), 'sandbox-wine-'));
  const n = ++runs;
  const resultFile = join(scratch, `${n}-${script}.json`);
  const logFile = join(scratch, `${n}-${script}.log`);
  const log = openSync(logFile, 'w');
  const node = options.arch === 'ia32' ? w.nodeIa32 : w.nodeX64;
  const child = spawn(w.wine, [node, join(here, 'scripts', script), resultFile, ...(options.args ?? [])], {
    cwd: root,
    env: { ...w.env, SANDBOX_NODE_IA32: windowsPath(w.nodeIa32), SANDBOX_NODE_X64: windowsPath(w.nodeX64), ...options.env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readLog = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return {
    child,
    exited,
    log: readLog,
    async result<T>(timeoutMs = 60_000): Promise<T> {
      const end = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => { gone = true; });
      while (!existsSync(resultFile)) {
        if (gone || Date.now() > end) {
          if (!gone) child.kill('SIGKILL');
          throw new Error(`${script} ${gone ? `exited (code ${String(child.exitCode)})` : `took over ${timeoutMs} ms`} without a result. Its output:\n${readLog()}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      // The script writes the file in one call; a read that races it fails to parse: retry once.
      try {
        return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
        return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
      }
    },
  };
}

/** Runs a script to its end and returns its result; fails with its output if it reports an error. */
export async function run<T>(w: Wine, script: string, options: { arch?: Arch; args?: readonly string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run<T>> {
  const began = Date.now();
  const running = start(w, script, options);
  const result = await running.result<T & { error?: string }>(options.timeoutMs);
  await running.exited;
  if (result.error !== undefined) throw new Error(`${script} failed: ${result.error}\nIts output:\n${running.log()}`);
  return { result, log: running.log(), ms: Date.now() - began };
}

/** Runs any node.exe program under Wine (a sample's main.js) and returns its exit code and output. */
export async function runProgram(w: Wine, file: string, options: { arch?: Arch; args?: readonly string[]; timeoutMs?: number } = {}): Promise<{ code: number | null; log: string }> {
  scratch ??= mkdtempSync(join(tmpdir(), 'sandbox-wine-'));
  const logFile = join(scratch, `${++runs}-program.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(w.wine, [options.arch === 'ia32' ? w.nodeIa32 : w.nodeX64, file, ...(options.args ?? [])], { cwd: root, env: w.env, stdio: ['ignore', log, log] });
  closeSync(log);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, log: readFileSync(logFile, 'utf8') };
}

/** Removes the scratch folder of results and logs. */
export function cleanUp(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}
