/**
 * What a Windows pool with `confine` expects of its workers, decided on any OS (the Windows tests
 * themselves run under Wine, on one Node line): Windows enforces childProcesses, write: [] and
 * signals, never read or network; Wine none of them; a non-empty write is unsupported.
 */
import { describe, expect, it } from 'vitest';
import type { KernelSupport } from '../../runtime/confine/kernel.js';
import type { ResolvedConfine } from '../../runtime/confine/options.js';
import type { Confinement } from '../../runtime/confine/report.js';
import { expectedConfinement, unsupportedKnobs } from '../../runtime/confine/requirements.js';
import { shortfall } from '../../runtime/confine/shortfall.js';

const windows: KernelSupport = { platform: 'win32', arch: 'x64', landlockAbi: 0, kernelLandlockAbi: 0, reportedLandlockAbi: 0, seccomp: false, archKnown: true, wine: null };
const wine: KernelSupport = { ...windows, wine: '8.0' };
const strictest: ResolvedConfine = { read: [], write: [], network: false, childProcesses: false, onUnsupported: 'warn' };

describe('confine on Windows: what is supported, what is expected', () => {
  it('Windows: read and network are unsupported; childProcesses, write and signals expected enforced, and the UI limits', () => {
    expect(unsupportedKnobs(strictest, windows).map((u) => u.knob)).toEqual(['read', 'network']);
    expect(expectedConfinement(strictest, windows)).toEqual({
      landlockAbi: 0, seccomp: false, noNewPrivs: false,
      read: 'unenforced', write: 'enforced', network: 'unenforced', childProcesses: 'enforced', signals: 'enforced', uiRestrictions: 'enforced',
    });
  });

  it('Wine: every knob is unsupported, each saying that Wine accepts the call and does not enforce it', () => {
    const missing = unsupportedKnobs(strictest, wine);
    expect(missing.map((u) => u.knob)).toEqual(['read', 'write', 'network', 'childProcesses', 'signals']);
    for (const u of missing.filter((m) => m.knob !== 'read' && m.knob !== 'network')) expect(u.needs).toMatch(/this is Wine 8\.0, which accepts that call and does not enforce it/);
    expect(expectedConfinement(strictest, wine)).toMatchObject({ write: 'unenforced', childProcesses: 'unenforced', signals: 'unenforced', uiRestrictions: 'unenforced' });
  });

  it('a non-empty write is unsupported on Windows, and signals with it (no low integrity then)', () => {
    const missing = unsupportedKnobs({ ...strictest, write: ['C:\\scratch'] }, windows);
    expect(missing.map((u) => u.knob)).toEqual(['read', 'write', 'network', 'signals']);
    expect(expectedConfinement({ ...strictest, write: ['C:\\scratch'] }, windows)).toMatchObject({ write: 'unenforced', signals: 'unenforced', childProcesses: 'enforced' });
  });

  it('allowed knobs read allowed', () => {
    expect(expectedConfinement({ ...strictest, network: true, childProcesses: true }, windows)).toMatchObject({ network: 'allowed', childProcesses: 'allowed' });
    expect(unsupportedKnobs({ ...strictest, network: true, childProcesses: true }, wine).map((u) => u.knob)).toEqual(['read', 'write', 'signals']);
  });

  it('a worker that reports the UI limits missing falls short; a Linux expectation has no UI entry', () => {
    const expected = expectedConfinement(strictest, windows);
    const { uiRestrictions: _, ...withoutUi } = expected;
    expect(shortfall(expected, { ...expected, uiRestrictions: 'unenforced' })).toEqual(['uiRestrictions unenforced, not enforced']);
    expect(shortfall(expected, withoutUi as Confinement)).toEqual(['uiRestrictions not reported, not enforced']);
    expect(shortfall(expected, expected)).toEqual([]);
    const linux: KernelSupport = { ...windows, platform: 'linux', landlockAbi: 7, kernelLandlockAbi: 7, seccomp: true };
    expect(expectedConfinement(strictest, linux)).not.toHaveProperty('uiRestrictions');
  });
});
