/**
 * What the parent can see of a worker's confinement without taking its word: /proc/<pid>/status
 * of every thread (the parent runs as the same user, so it may read them) must say NoNewPrivs 1
 * and, when the pool expects the filter, Seccomp 2 with the worker's own filter among those it
 * shows (./proc-status.ts): the worker inherits this process's filters (a container's, say), and
 * adds two. A worker that claims more in its hello than
 * the kernel shows is refused all the same. Landlock leaves no such trace, so the hello's report
 * and the worker's own canary stand for it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { FILTERS_ADDED_BY_A_CONFINED_WORKER, seccompFilters } from './proc-status.js';
import type { Confinement } from './report.js';

/** What /proc shows the worker lacks; empty when nothing, or where there is no /proc to read. */
export async function lackingFromOutside(pid: number, expected: Confinement): Promise<string[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    // Gone already: its exit reports it.
    return [];
  }
  const lacks = new Set<string>();
  // All at once: one after the other, a worker's dozen threads cost its start about 4 ms.
  const [inherited, ...statuses] = await Promise.all([
    expected.seccomp ? ownFilters() : undefined,
    ...tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/status`, 'utf8').catch(() => undefined)),
  ]);
  for (const status of statuses) {
    if (status === undefined) continue;
    if (expected.noNewPrivs && !/^NoNewPrivs:\s+1$/m.test(status)) lacks.add('/proc shows a thread without no_new_privs');
    const filters = seccompFilters(status);
    if (expected.seccomp && (!/^Seccomp:\s+2$/m.test(status)
      || (inherited !== undefined && filters !== undefined && filters < inherited + FILTERS_ADDED_BY_A_CONFINED_WORKER))) {
      lacks.add('/proc shows a thread without the seccomp filter');
    }
  }
  return [...lacks];
}

/** This process's filters, which its workers inherit (the spawner adds none). */
async function ownFilters(): Promise<number | undefined> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => undefined);
  return status === undefined ? undefined : seccompFilters(status);
}
