/**
 * What a confined worker enforces, per knob of the `confine` option: the worker sends it in its
 * hello after checking itself (worker-template/confine/self-check.ts), the parent refuses a worker
 * that reports less than the pool expects (./shortfall.ts), and `pool.confinement` and
 * `stats().confinement` show the pool's.
 *
 * - 'enforced': the kernel refuses what the option forbids, on every thread of the worker;
 * - 'allowed': the option allows it (`network: true`, `childProcesses: true`);
 * - 'unenforced': the option forbids it but this kernel cannot refuse it, and `onUnsupported`
 *   is 'warn' (with 'fail' the pool would not have started).
 */
export type Enforcement = 'enforced' | 'allowed' | 'unenforced';

export interface Confinement {
  /** The Landlock ABI the worker restricted itself with; 0 when none. */
  readonly landlockAbi: number;
  /** The seccomp filter is installed on every thread (`Seccomp: 2` in /proc/self/status). */
  readonly seccomp: boolean;
  /** `NoNewPrivs: 1`: no exec gains privileges (set-user-ID, file capabilities). */
  readonly noNewPrivs: boolean;
  /** Files are read only under the allowed set (the worker's own files and `read`). */
  readonly read: Enforcement;
  /** Files are written, created, renamed, removed and truncated only under `write`. */
  readonly write: Enforcement;
  /** No socket but the worker's channel: no TCP, UDP, raw or other Unix socket. */
  readonly network: Enforcement;
  /** No program is started: no exec, no fork. */
  readonly childProcesses: Enforcement;
  /**
   * No signal reaches a process outside the worker's own (its parent, the application, others).
   * Windows: no process of the application's integrity can be opened to terminate it, or to read
   * or write its memory.
   */
  readonly signals: Enforcement;
  /**
   * Windows only: the worker's job refuses it the desktop, the clipboard, global atoms, other
   * processes' USER handles, system parameters, display settings and ExitWindows. Absent elsewhere.
   */
  readonly uiRestrictions?: Enforcement;
}

export const KNOBS = ['read', 'write', 'network', 'childProcesses', 'signals'] as const;
export type Knob = (typeof KNOBS)[number];

/** Checks that decoded bytes are a report; the parent never trusts the worker's shapes. */
export function isConfinement(value: unknown): value is Confinement {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const level = (x: unknown): boolean => x === 'enforced' || x === 'allowed' || x === 'unenforced';
  return typeof v['landlockAbi'] === 'number' && typeof v['seccomp'] === 'boolean' && typeof v['noNewPrivs'] === 'boolean'
    && KNOBS.every((k) => level(v[k])) && (v['uiRestrictions'] === undefined || level(v['uiRestrictions']));
}
