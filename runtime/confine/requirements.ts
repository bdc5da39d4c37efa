/**
 * Which knob needs what, and what a pool's workers are therefore expected to enforce on this
 * kernel. A knob the option forbids and the kernel cannot refuse is "unsupported": the pool fails
 * to start (ConfinementUnsupportedError) or, with onUnsupported 'warn', expects it 'unenforced'.
 *
 * | knob | needs |
 * |---|---|
 * | read | Landlock ABI 1 (Linux 5.13) |
 * | write | Landlock ABI 3 (Linux 6.2): before it, truncate(2) is not a right Landlock handles |
 * | network: false | a seccomp filter (socket() refused) on an architecture the filter knows |
 * | childProcesses: false | the same filter (execve, fork, clone of a process refused) |
 * | signals | Landlock ABI 6 (Linux 6.12), whose signal scoping keeps the worker from signalling any process outside its own; or, without childProcesses, the seccomp filter, which lets signals go to the worker itself alone |
 *
 * So `confine: {}` needs Linux 6.2 and seccomp; `childProcesses: true` needs Linux 6.12.
 *
 * TCP rules (ABI 4) and abstract Unix socket scoping (ABI 6) are applied where the kernel has
 * them when the network is off, as a second layer under the filter, and required by nothing.
 *
 * Windows, without administrator rights, has a Job Object and the process token (./windows.ts
 * says what each knob needs there): `childProcesses: false` and UI restrictions through the
 * job, `write: []` and `signals` through low integrity; `read` and `network: false` cannot be
 * enforced, so a Windows pool with `confine` needs `onUnsupported: 'warn'`. Wine accepts every
 * one of those calls and enforces none of them.
 */
import type { ResolvedConfine } from './options.js';
import type { KernelSupport } from './kernel.js';
import type { Confinement, Enforcement, Knob } from './report.js';
import { windowsUnsupported } from './windows.js';

export interface Unsupported {
  readonly knob: Knob;
  /** What it would need, and what this machine has. */
  readonly needs: string;
}

const LANDLOCK_NEEDS: Readonly<Record<'read' | 'write' | 'signals', { abi: number; linux: string; why: string }>> = {
  read: { abi: 1, linux: '5.13', why: 'to limit what files the worker reads' },
  write: { abi: 3, linux: '6.2', why: 'to refuse writes and truncate(2) outside write' },
  signals: { abi: 6, linux: '6.12', why: 'to keep the worker from signalling processes outside its own (the application, its spawner), or childProcesses: false and the seccomp filter' },
};

/** The knobs `confine` forbids that this machine cannot refuse. */
export function unsupportedKnobs(options: ResolvedConfine, kernel: KernelSupport): Unsupported[] {
  const out: Unsupported[] = [];
  const wanted: Knob[] = ['read', 'write', ...(options.network ? [] : ['network' as const]), ...(options.childProcesses ? [] : ['childProcesses' as const]), 'signals'];
  if (kernel.platform === 'win32') return windowsUnsupported(options, wanted, kernel.wine);
  if (kernel.platform !== 'linux') {
    for (const knob of wanted) out.push({ knob, needs: `Linux (Landlock and seccomp); this is ${kernel.platform}, where process-sandbox does not confine workers yet` });
    return out;
  }
  const has = kernel.landlockAbi === 0 ? 'this kernel has no Landlock (built without it, or not in its lsm= list)'
    : `this kernel has ABI ${kernel.landlockAbi}${kernel.landlockAbi < kernel.kernelLandlockAbi ? ' (lowered by SANDBOX_TEST_LANDLOCK_ABI)' : ''}${
      kernel.reportedLandlockAbi > kernel.kernelLandlockAbi ? ` (it reports ABI ${kernel.reportedLandlockAbi} but refuses that ABI's rulesets, as kernels that backport Landlock in part do)` : ''}`;
  for (const knob of wanted) {
    if (knob === 'network' || knob === 'childProcesses') {
      if (!kernel.archKnown) out.push({ knob, needs: `a seccomp filter for this architecture; process-sandbox has syscall tables for x64 and arm64, this is ${kernel.arch}` });
      else if (!kernel.seccomp) out.push({ knob, needs: 'seccomp filters that answer with an errno (Linux 4.14 with CONFIG_SECCOMP_FILTER); this kernel has none' });
      continue;
    }
    // Without children, the filter can keep signals to the worker itself.
    if (knob === 'signals' && !options.childProcesses && kernel.seccomp && kernel.archKnown) continue;
    const need = LANDLOCK_NEEDS[knob];
    if (kernel.landlockAbi < need.abi) out.push({ knob, needs: `Landlock ABI ${need.abi} (Linux ${need.linux}) ${need.why}; ${has}` });
  }
  return out;
}

/** What every worker of the pool must report, given what this kernel can do. */
export function expectedConfinement(options: ResolvedConfine, kernel: KernelSupport): Confinement {
  const unsupported = new Set(unsupportedKnobs(options, kernel).map((u) => u.knob));
  const level = (knob: Knob, allowed: boolean): Enforcement => allowed ? 'allowed' : unsupported.has(knob) ? 'unenforced' : 'enforced';
  const linux = kernel.platform === 'linux';
  return {
    landlockAbi: linux ? kernel.landlockAbi : 0,
    seccomp: linux && kernel.seccomp && kernel.archKnown,
    noNewPrivs: linux,
    read: level('read', false),
    write: level('write', false),
    network: level('network', options.network),
    childProcesses: level('childProcesses', options.childProcesses),
    signals: level('signals', false),
    // Windows: the job's UI limits, which no option turns off; Wine keeps none of them.
    ...(kernel.platform === 'win32' ? { uiRestrictions: kernel.wine === null ? 'enforced' as const : 'unenforced' as const } : {}),
  };
}
