/**
 * What this machine can enforce, probed once per process when the first pool with `confine`
 * starts (koffi's native module is loaded for it then, and only then: ../koffi-loader.ts): the
 * Landlock ABI (landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION); 0 where the
 * kernel lacks Landlock or boots without it) checked by creating the ruleset a worker would (a
 * kernel that refuses it is taken at the highest ABI whose ruleset it accepts:
 * ./landlock-ruleset.ts), whether seccomp filters can answer with an errno
 * (SECCOMP_GET_ACTION_AVAIL), and whether the worker's filter knows this architecture.
 *
 * Test-only: SANDBOX_TEST_LANDLOCK_ABI, read in the application (never by workers), makes the
 * probe report at most that ABI, so the tests can show what an older kernel gets.
 * SANDBOX_TEST_TRUST_WINE=1 makes a Windows probe under Wine answer as Windows would (wine:
 * null), so the tests can show that workers which find Wine's limits unenforced are refused.
 */
import { arch, platform } from 'node:process';
import { loadKoffi } from '../koffi-loader.js';
import { SYS_LANDLOCK_CREATE_RULESET, usableLandlockAbi } from './landlock-ruleset.js';

export interface KernelSupport {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** The Landlock ABI to use: the kernel's, or less under SANDBOX_TEST_LANDLOCK_ABI; 0 for none. */
  readonly landlockAbi: number;
  /** The kernel's own, before any test override: the highest ABI whose ruleset it accepts. */
  readonly kernelLandlockAbi: number;
  /** What the kernel says its ABI is; above kernelLandlockAbi where it refuses that ABI's ruleset. */
  readonly reportedLandlockAbi: number;
  /** Seccomp filters with SECCOMP_RET_ERRNO are available. */
  readonly seccomp: boolean;
  /** worker-template/confine/syscalls.ts has this architecture's numbers. */
  readonly archKnown: boolean;
  /**
   * Windows: the Wine version this runs under, or null on Windows itself. Wine accepts the job
   * limits and the token change confinement makes there but enforces none of them (tested in
   * test/windows/confine.test.ts), so under Wine those knobs are unsupported. null elsewhere.
   */
  readonly wine: string | null;
}

/** The architectures worker-template/confine/syscalls.ts knows (a test keeps the two in step). */
export const FILTERED_ARCHES: readonly string[] = ['x64', 'arm64'];
const SECCOMP_NR: Readonly<Record<string, number>> = { x64: 317, arm64: 277 };
const LANDLOCK_CREATE_RULESET_VERSION = 1;
const SECCOMP_GET_ACTION_AVAIL = 2;
const SECCOMP_RET_ERRNO = 0x00050000;

let probed: Promise<KernelSupport> | undefined;

/** The kernel is probed once; the test override is read at every call. */
export async function probeKernel(): Promise<KernelSupport> {
  probed ??= probe();
  const kernel = await probed;
  if (kernel.wine !== null && process.env['SANDBOX_TEST_TRUST_WINE'] === '1') return { ...kernel, wine: null };
  const forced = process.env['SANDBOX_TEST_LANDLOCK_ABI'];
  if (forced === undefined || forced === '') return kernel;
  return { ...kernel, landlockAbi: Math.min(kernel.kernelLandlockAbi, Math.max(0, Math.floor(Number(forced)) || 0)) };
}

async function probe(): Promise<KernelSupport> {
  const archKnown = FILTERED_ARCHES.includes(arch);
  if (platform === 'win32') {
    const { wineVersion } = await import('../platform/win32/wine.js');
    return { platform, arch, landlockAbi: 0, kernelLandlockAbi: 0, reportedLandlockAbi: 0, seccomp: false, archKnown, wine: wineVersion() };
  }
  if (platform !== 'linux') return { platform, arch, landlockAbi: 0, kernelLandlockAbi: 0, reportedLandlockAbi: 0, seccomp: false, archKnown, wine: null };
  const koffi = await loadKoffi();
  const libc = koffi.load('libc.so.6');
  const syscall = libc.func('long syscall(long nr, ...)');
  const close = libc.func('int close(int fd)');
  const reported = Math.max(0, Number(syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', null, 'size_t', 0, 'uint32', LANDLOCK_CREATE_RULESET_VERSION)));
  const abi = usableLandlockAbi(reported, (attr, size) => Number(syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', attr, 'size_t', size, 'uint32', 0)), (fd) => { close(fd); });
  let seccomp = false;
  const nr = SECCOMP_NR[arch];
  if (nr !== undefined) {
    const action = Buffer.alloc(4);
    action.writeUInt32LE(SECCOMP_RET_ERRNO, 0);
    seccomp = Number(syscall(nr, 'uint32', SECCOMP_GET_ACTION_AVAIL, 'uint32', 0, 'void *', action)) === 0;
  }
  return { platform, arch, landlockAbi: abi, kernelLandlockAbi: abi, reportedLandlockAbi: reported, seccomp, archKnown, wine: null };
}
