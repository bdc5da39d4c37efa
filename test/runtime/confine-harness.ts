/**
 * What the confinement tests share: a directory laid out as a confined worker sees it, the test's
 * C library built with cc into it, and a client of IConfined with `confine` set. Real kernel,
 * real processes: nothing here is mocked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { PoolConfig } from 'process-sandbox';
import { IConfinedClient } from '../.generated/js/.generated/services/IConfined.client.js';
import { track } from '../helpers.js';
import { probeKernel } from '../../dist/runtime/confine/kernel.js';

export const confinedWorker = fileURLToPath(new URL('../.generated/js/workers/confined.js', import.meta.url));
const probeSource = fileURLToPath(new URL('../workers/confine-probe.c', import.meta.url));

/**
 * root/
 *   lib/libconfine-probe.so   the C library (in `read`)
 *   inside/inside.txt         readable (in `read`)
 *   outside/secret.txt        neither readable nor writable
 *   writable/                 in `write`
 */
export interface Layout {
  readonly root: string;
  readonly library: string;
  readonly inside: string;
  readonly insideFile: string;
  readonly outside: string;
  readonly secret: string;
  readonly writable: string;
}

/** One layout per test file, removed after it. */
export function layout(): Layout {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sandbox-confine-')));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = (name: string): string => { mkdirSync(join(root, name)); return join(root, name); };
  const lib = dir('lib');
  const library = join(lib, 'libconfine-probe.so');
  execFileSync('cc', ['-shared', '-fPIC', '-pthread', '-O1', '-o', library, probeSource], { stdio: ['ignore', 'ignore', 'inherit'] });
  const inside = dir('inside');
  const outside = dir('outside');
  const secret = join(outside, 'secret.txt');
  writeFileSync(join(inside, 'inside.txt'), 'inside');
  writeFileSync(secret, 'the secret');
  return { root, library, inside, insideFile: join(inside, 'inside.txt'), outside, secret, writable: dir('writable') };
}

/** A confined client that reads `inside` and the library and writes `writable`, unless `confine` says otherwise. */
export async function confinedClient(at: Layout, config: Partial<PoolConfig> = {}): Promise<IConfinedClient> {
  return track(await IConfinedClient.create({
    workerModule: confinedWorker,
    logger: false,
    confine: { read: [at.inside, at.library], write: [at.writable] },
    ...config,
  }));
}

/** errno values as the C library returns them (x86_64 and aarch64 agree). */
export const EPERM = 1;
export const EACCES = 13;

/** The remote error code a call failed with. */
export async function remoteCode(call: Promise<unknown>): Promise<unknown> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  if (error === undefined) return 'it worked';
  return (error as { remoteCode?: unknown }).remoteCode ?? (error as Error).message;
}

/** /proc/<pid>/task/<tid>/status of every thread of a process, read from the test (outside). */
export function threadStatuses(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
}

/** What this kernel supports, probed as the pool probes it. */
export const kernel = await probeKernel();

/**
 * Where every knob can be enforced (Linux, Landlock ABI 6, seccomp, x64 or arm64), so the tests
 * of enforcement can run; elsewhere they are skipped, and confine-unsupported.test.ts still
 * proves the fail-closed path.
 */
export const confinable = kernel.platform === 'linux' && kernel.kernelLandlockAbi >= 6 && kernel.seccomp && kernel.archKnown;
if (!confinable && kernel.platform === 'linux') {
  console.warn(`[confine tests] enforcement tests skipped: they need Landlock ABI 6 (Linux 6.12), seccomp and an x64 or arm64 machine; this one has Landlock ABI ${kernel.kernelLandlockAbi}, seccomp ${kernel.seccomp ? 'yes' : 'no'}, ${kernel.arch}`);
}
