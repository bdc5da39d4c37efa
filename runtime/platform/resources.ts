/**
 * What the parent measures of a worker from outside, so a hung worker is measured too: the
 * seed's health report fields. A field the platform cannot measure is null, never a made-up 0.
 */
export interface ResourceSample {
  /** Physical memory in use (Linux VmRSS, Windows WorkingSetSize), bytes. */
  readonly workingSetBytes: number | null;
  /** Private memory committed (Linux VmData, Windows PrivateUsage), bytes. */
  readonly privateBytes: number | null;
  /** Private memory resident (Linux Private_Clean + Private_Dirty + Swap from smaps_rollup), bytes. */
  readonly privateResidentBytes: number | null;
  /** Open handles (Windows GetProcessHandleCount) or file descriptors (Linux /proc/PID/fd). */
  readonly handleCount: number | null;
  /** GDI objects (Windows GetGuiResources). */
  readonly gdiObjects: number | null;
  /** USER objects (Windows GetGuiResources). */
  readonly userObjects: number | null;
  readonly threads: number | null;
  /** User plus system CPU time, milliseconds. */
  readonly cpuTimeMs: number | null;
}

export const UNMEASURED: ResourceSample = {
  workingSetBytes: null, privateBytes: null, privateResidentBytes: null, handleCount: null,
  gdiObjects: null, userObjects: null, threads: null, cpuTimeMs: null,
};
