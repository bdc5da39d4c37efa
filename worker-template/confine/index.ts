/**
 * A confined worker, in two images (docs/confinement.md):
 *
 * 1. The first image, started by the pool, reads its bootstrap and, before it connects anywhere,
 *    sets no_new_privs, restricts itself with Landlock (./landlock.ts) to the paths of its plan
 *    plus what it needs to run again (its executable, the shared libraries it has mapped, its own
 *    /proc/<pid>), and executes Node.js again (./reexec.ts).
 * 2. The second image, born confined on every thread, connects its channel, installs the seccomp
 *    filter on every thread (./seccomp.ts), checks itself (./self-check.ts) and reports what it
 *    found in its hello. Only then does the parent let it load user code.
 *
 * Without Landlock (onUnsupported 'warn' on a kernel without it) the first image restricts
 * nothing but still executes again; the second sets the filter and says what it lacks.
 *
 * Windows has one image: the parent's job holds it before it reads its bootstrap, and once
 * connected it lowers its own token and checks itself (./windows.ts).
 */
import { readFileSync, realpathSync } from 'node:fs';
import type { ConfineRule, WorkerConfinePlan } from '../../runtime/confine/plan.js';
import type { Confinement } from '../../runtime/confine/report.js';
import { setNoNewPrivs, restrictSelf } from './landlock.js';
import { libc } from './libc.js';
import { reexec } from './reexec.js';
import { installFilter, refuseIoUring } from './seccomp.js';
import { checkSelf } from './self-check.js';
import { confineWindows } from './windows.js';

/** Whether this image must restrict itself and execute again before it does anything else. */
export function mustRestrictFirst(plan: WorkerConfinePlan | undefined): plan is WorkerConfinePlan {
  // Windows has no re-exec: the parent's job holds every thread, and the token is the process's.
  return plan !== undefined && plan.windows === undefined && plan.restricted !== true;
}

/**
 * Step 1. Never returns: the process becomes the second image, or the error ends it. Without
 * Landlock the exec still happens, for the descriptors it closes and for io_uring, refused from
 * here on so that the second image's libuv sets up no ring (seccomp-filter.ts says why).
 */
export async function restrictThenReexec(bootstrap: { readonly confine?: WorkerConfinePlan | undefined }): Promise<never> {
  const plan = bootstrap.confine!;
  const c = await libc();
  setNoNewPrivs(c);
  if (plan.landlockAbi > 0) restrictSelf(c, { abi: plan.landlockAbi, network: plan.network, rules: [...plan.rules, ...ownRules()] });
  if (plan.seccomp) refuseIoUring(c);
  Object.assign(process.env, plan.secondImageEnv);
  reexec(c, `${JSON.stringify({ ...bootstrap, confine: { ...plan, restricted: true } })}\n`);
}

/** Step 2, once the channel is connected: what the worker reports in its hello. */
export async function confineConnected(plan: WorkerConfinePlan): Promise<Confinement> {
  if (plan.windows !== undefined) return confineWindows({ ...plan, windows: plan.windows });
  const c = await libc();
  setNoNewPrivs(c);
  if (plan.seccomp) {
    // Without children to signal, signals may go to this process alone (seccomp-filter.ts).
    installFilter(c, { network: plan.network, childProcesses: plan.childProcesses, signalsOnlyTo: plan.childProcesses ? undefined : process.pid });
  }
  return checkSelf(plan);
}

/**
 * What this process needs to execute Node.js again and run: the binary, and every file it has
 * mapped (the ELF interpreter, libc and the other shared libraries, koffi's native module), read
 * from /proc/self/maps rather than guessed; its own /proc/<pid> (status, maps, fds; never all of
 * /proc, where other processes' environments are).
 */
function ownRules(): ConfineRule[] {
  const executable = realpathSync(process.execPath);
  // Each file is mapped several times (read-only, executable, data): executable if any is.
  const mapped = new Map<string, boolean>([[executable, true]]);
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    // start-end perms offset dev inode path
    const match = /^\S+\s+(\S+)\s+\S+\s+\S+\s+[1-9]\d*\s+(\/.*)$/.exec(line);
    if (match === null || match[2]!.endsWith(' (deleted)')) continue;
    mapped.set(match[2]!, mapped.get(match[2]!) === true || match[1]!.includes('x'));
  }
  const rules: ConfineRule[] = [...mapped].map(([path, x]) => ({ path, access: x ? 'execute' : 'read', optional: path !== executable }));
  rules.push({ path: `/proc/${process.pid}`, access: 'read' });
  return rules;
}
