/**
 * A kernel that reports a Landlock ABI but refuses that ABI's ruleset (some vendor kernels, RHEL
 * 9's among them, backport Landlock in part): the probe creates the ruleset a worker would and
 * steps down to the highest ABI the kernel accepts, so workers start confined as well as that
 * kernel can, and what needs more fails closed with a message that says why. The kernel's refusal
 * here is real: the probe's test-only extra scope bits are unknown to every kernel, which answers
 * EINVAL as a misreporting one does.
 */
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { SYS_LANDLOCK_CREATE_RULESET, usableLandlockAbi } from '../../dist/runtime/confine/landlock-ruleset.js';
import type { KernelSupport } from '../../dist/runtime/confine/kernel.js';
import { unsupportedKnobs } from '../../dist/runtime/confine/requirements.js';
import { confinable, kernel } from './confine-harness.js';

/** A scope bit no kernel knows yet (Linux 6.18 knows bits 0 and 1). */
const UNKNOWN_SCOPE = 1 << 30;

describe.runIf(confinable)('confine: a kernel that misreports its Landlock ABI', () => {
  const libc = koffi.load('libc.so.6');
  const syscall = libc.func('long syscall(long nr, ...)');
  const close = libc.func('int close(int fd)');
  const created: number[] = [];
  const create = (attr: Buffer, size: number): number => Number(syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', attr, 'size_t', size, 'uint32', 0));
  const closing = (fd: number): void => { created.push(fd); close(fd); };

  it('takes the ABI the kernel reports when it accepts that ABI\'s ruleset, and closes what it created', () => {
    expect(usableLandlockAbi(kernel.reportedLandlockAbi, create, closing)).toBe(kernel.reportedLandlockAbi);
    expect(kernel.kernelLandlockAbi).toBe(kernel.reportedLandlockAbi);
    expect(created).toHaveLength(1);
  });

  it('steps down to the highest ABI whose ruleset the kernel creates when it refuses the reported one\'s', () => {
    // Scopes came with ABI 6: a ruleset with an unknown scope is refused at 6 and above, not below.
    expect(usableLandlockAbi(kernel.reportedLandlockAbi, create, closing, UNKNOWN_SCOPE)).toBe(5);
  });

  it('says so when a knob then needs more than the kernel accepts', () => {
    const misreporting: KernelSupport = { ...kernel, landlockAbi: 5, kernelLandlockAbi: 5, reportedLandlockAbi: 6 };
    const missing = unsupportedKnobs({ read: [], write: [], network: false, childProcesses: true, onUnsupported: 'fail' }, misreporting);
    expect(missing.map((m) => m.knob)).toEqual(['signals']);
    expect(missing[0]!.needs).toMatch(/this kernel has ABI 5 \(it reports ABI 6 but refuses that ABI's rulesets, as kernels that backport Landlock in part do\)/);
  });
});
