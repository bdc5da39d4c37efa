/**
 * The confined worker checks itself before it says hello, and reports what it found, not what it
 * meant to do: every thread's /proc status must say NoNewPrivs 1 and, with the filter, Seccomp 2
 * (the mode of a filter) with one filter more than before it installed its own (the first image
 * left one: runtime/confine/proc-status.ts); with Landlock, a canary must fail with EACCES,
 * opened from this thread and again from libuv's thread pool (which also proves that the pool,
 * used here before any user code loads, was born inside the domain). The canary is the root directory: listing it needs a
 * rule on "/" itself, which the worker never has (the pool refuses `read: ["/"]`).
 */
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { WorkerConfinePlan } from '../../runtime/confine/plan.js';
import { seccompFilters } from '../../runtime/confine/proc-status.js';
import type { Confinement } from '../../runtime/confine/report.js';

const CANARY = '/';

/** `inherited`: the filters this process had before it installed its own, where the kernel counts them. */
export async function checkSelf(plan: WorkerConfinePlan, inherited: number | undefined): Promise<Confinement> {
  const statuses = readdirSync('/proc/self/task').map((tid) => readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
  const all = (pattern: RegExp): boolean => statuses.length > 0 && statuses.every((s) => pattern.test(s));
  const noNewPrivs = all(/^NoNewPrivs:\s+1$/m);
  // Mode 2 alone is the first image's io_uring filter: each thread must count one more.
  const seccomp = all(/^Seccomp:\s+2$/m) && statuses.every((s) => inherited === undefined || (seccompFilters(s) ?? Infinity) > inherited);
  if (!noNewPrivs) throw new Error('confine: a thread of this worker lacks no_new_privs (NoNewPrivs is not 1 in /proc/self/task/*/status)');
  if (plan.seccomp && !seccomp) throw new Error('confine: a thread of this worker runs without the seccomp filter (Seccomp is not 2 in /proc/self/task/*/status)');
  let landlocked = false;
  if (plan.landlockAbi > 0) {
    let here: unknown;
    try { closeSync(openSync(CANARY, 'r')); } catch (error) { here = error; }
    expectDenied('this thread', here);
    expectDenied('the thread pool', await open(CANARY, 'r').then((handle) => handle.close(), (error: unknown) => error));
    landlocked = true;
  }
  const abi = landlocked ? plan.landlockAbi : 0;
  const filtered = (allowed: boolean): Confinement['network'] => allowed ? 'allowed' : seccomp ? 'enforced' : 'unenforced';
  return {
    landlockAbi: abi,
    seccomp,
    noNewPrivs,
    read: abi >= 1 ? 'enforced' : 'unenforced',
    // Before ABI 3 truncate(2) is not a right Landlock handles.
    write: abi >= 3 ? 'enforced' : 'unenforced',
    network: filtered(plan.network),
    childProcesses: filtered(plan.childProcesses),
    // Landlock's scope, or the filter's rule (without childProcesses).
    signals: abi >= 6 || (seccomp && !plan.childProcesses) ? 'enforced' : 'unenforced',
  };
}

/** `failure` is what opening the canary threw, undefined when it opened. */
function expectDenied(where: string, failure: unknown): void {
  if (failure === undefined) throw new Error(`confine: ${where} could open the canary ${CANARY}: Landlock does not hold there, so this worker refuses to serve`);
  const code = (failure as NodeJS.ErrnoException).code;
  if (code !== 'EACCES') throw new Error(`confine: opening the canary ${CANARY} from ${where} failed with ${code ?? String(failure)}, not EACCES`);
}
