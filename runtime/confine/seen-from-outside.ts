/**
 * What the parent can see of a worker's confinement without taking its word: /proc/<pid>/status
 * of every thread (the parent runs as the same user, so it may read them) must say NoNewPrivs 1
 * and, when the pool expects the filter, Seccomp 2. A worker that claims more in its hello than
 * the kernel shows is refused all the same. Landlock leaves no such trace, so the hello's report
 * and the worker's own canary stand for it.
 */
import { readdir, readFile } from 'node:fs/promises';
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
  for (const tid of tasks) {
    const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8').catch(() => undefined);
    if (status === undefined) continue;
    if (expected.noNewPrivs && !/^NoNewPrivs:\s+1$/m.test(status)) lacks.add('/proc shows a thread without no_new_privs');
    if (expected.seccomp && !/^Seccomp:\s+2$/m.test(status)) lacks.add('/proc shows a thread without the seccomp filter');
  }
  return [...lacks];
}
