/**
 * A confined worker, in two images (docs/confinement.md):
 *
 * 1. The first image (./first-image.ts, a script of its own that the pool starts), reads its
 *    bootstrap, sets no_new_privs, restricts itself with Landlock (./landlock.ts) and executes
 *    Node.js again with the worker entry (./reexec.ts).
 * 2. The second image, the worker entry (this file, which host.ts imports), born confined on every
 *    thread, connects its channel, installs the seccomp
 *    filter on every thread (./seccomp.ts), checks itself (./self-check.ts) and reports what it
 *    found in its hello. Only then does the parent let it load user code.
 *
 * Without Landlock (onUnsupported 'warn' on a kernel without it) the first image restricts
 * nothing but still executes again; the second sets the filter and says what it lacks.
 *
 * Windows has one image: the parent's job holds it before it reads its bootstrap, and once
 * connected it lowers its own token and checks itself (./windows.ts).
 */
import { readFileSync } from 'node:fs';
import { seccompFilters } from '../../runtime/confine/proc-status.js';
import type { WorkerConfinePlan } from '../../runtime/confine/plan.js';
import type { Confinement } from '../../runtime/confine/report.js';
import { setNoNewPrivs } from './landlock.js';
import { libc } from './libc.js';
import { installFilter } from './seccomp.js';
import { checkSelf } from './self-check.js';
import { confineWindows } from './windows.js';

/**
 * On Linux the pool starts a confined worker through its first image (./first-image.ts), which
 * marks the plan `restricted` before it executes the worker entry: a plan without the mark means
 * the entry was started some other way, unconfined on its threads, and it must not go on.
 */
export function checkFirstImageRan(plan: WorkerConfinePlan): void {
  if (plan.windows === undefined && plan.restricted !== true) {
    throw new Error('this worker is to be confined but did not start through its first image (dist/worker-template/confine/first-image.cjs): only the pool starts confined workers');
  }
}

/** Once the channel is connected: what the worker reports in its hello. */
export async function confineConnected(plan: WorkerConfinePlan): Promise<Confinement> {
  if (plan.windows !== undefined) return confineWindows({ ...plan, windows: plan.windows });
  const c = await libc();
  setNoNewPrivs(c);
  // The first image's filter is there already: the check counts this one on top (proc-status.ts).
  const inherited = seccompFilters(readFileSync('/proc/self/status', 'utf8'));
  if (plan.seccomp) {
    // Without children to signal, signals may go to this process alone (seccomp-filter.ts).
    installFilter(c, { network: plan.network, childProcesses: plan.childProcesses, signalsOnlyTo: plan.childProcesses ? undefined : process.pid });
  }
  return checkSelf(plan, inherited);
}
