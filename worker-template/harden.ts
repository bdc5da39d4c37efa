/**
 * Ties the worker's life to its parent's before it runs any user code. Linux: the kernel sends
 * SIGKILL when the parent dies (PR_SET_PDEATHSIG), which works even while the worker is stuck in
 * native code where no JavaScript runs; the getppid() check closes the race where the parent
 * died before prctl. The parent is the pool's spawner (spawner/main.ts), which holds everything
 * the worker starts. On Windows the parent puts the worker in the pool's kill-on-close Job Object
 * before it sends the go-ahead (runtime/platform/win32/job.ts), so the worker has nothing to do
 * here. Everywhere, the pipe's EOF ends the worker too (see host.ts).
 *
 * The worker is also a child subreaper (PR_SET_CHILD_SUBREAPER): what it starts and then
 * orphans, a double-forked daemon or a child that called setsid() included, is re-parented to
 * the worker rather than to the spawner while the worker lives. So every child of the spawner
 * that is not a live worker is the orphan of a dead one, and the spawner kills it at once,
 * without ever touching what a live worker still runs. The cost: an orphan that exits stays a
 * zombie under the worker (nothing in it reaps what it did not spawn) until the worker exits.
 *
 * And it leads a session and process group of its own (setsid), so that a kill of its group
 * reaches what it starts and nothing else. A worker spawned detached is one already (setsid then
 * fails, harmlessly); the application's first worker, forked by the shell that became the
 * spawner (runtime/platform/spawner-client.ts), is not until here.
 *
 * Last, it leaves the SCHED_BATCH policy it booted under (./scheduling.ts).
 */
import { loadKoffi } from '../runtime/koffi-loader.js';
import { scheduleAsTheApplication } from './scheduling.js';

const PR_SET_PDEATHSIG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const SIGKILL = 9;

export async function tieToParent(parentPid: number): Promise<void> {
  if (process.platform !== 'linux') return;
  const koffi = await loadKoffi();
  const libc = koffi.load('libc.so.6');
  const prctl = libc.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
  const getppid = libc.func('int getppid()');
  const setsid = libc.func('int setsid()');
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) !== 0) {
    process.stderr.write('[process-sandbox] prctl(PR_SET_PDEATHSIG) failed; this worker may outlive its parent\n');
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) {
    process.stderr.write('[process-sandbox] prctl(PR_SET_CHILD_SUBREAPER) failed; what this worker detaches is killed only when another worker exits or the application does\n');
  }
  setsid();
  if (!scheduleAsTheApplication(koffi, libc)) {
    process.stderr.write('[process-sandbox] sched_setscheduler(SCHED_OTHER) failed; this worker runs under SCHED_BATCH, and its calls wait for a busy CPU\'s time slice\n');
  }
  if (getppid() !== parentPid) {
    // The parent is already gone (we were re-parented): nobody will ever send us work.
    process.exit(1);
  }
}
