/**
 * What a thread's /proc status says of its seccomp filters: `Seccomp_filters` (Linux 5.9) counts
 * the filters attached. A confined worker has two more than the process that started it (the
 * first image's io_uring filter, then the worker's own: worker-template/confine/), and mode 2
 * (`Seccomp: 2`) alone only proves the first, which every process the pool starts for a
 * confined pool carries, whatever its entry does.
 */

/** Filters a confined worker adds to those it inherited: the first image's and its own. */
export const FILTERS_ADDED_BY_A_CONFINED_WORKER = 2;

/** The status's `Seccomp_filters`, or undefined on a kernel before 5.9, which does not show it. */
export function seccompFilters(status: string): number | undefined {
  const match = /^Seccomp_filters:\s+(\d+)$/m.exec(status);
  return match === null ? undefined : Number(match[1]);
}
