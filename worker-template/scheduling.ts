/**
 * A worker serves under the scheduling policy of the application (SCHED_OTHER), though it boots
 * under SCHED_BATCH, which it inherits from the spawner (spawner/main.cts says why the spawner
 * takes it: a process woken under SCHED_BATCH does not preempt the one running on its CPU, so
 * neither a spawn request nor a booting worker takes the CPU from the application's event loop
 * mid-turn). Before it loads user code the worker moves each of its threads back: the calls it
 * is woken for should run as soon as a CPU is free, and the code it runs should be scheduled as
 * the application's is. Leaving SCHED_BATCH for SCHED_OTHER at the same nice value needs no
 * privilege (Linux 2.6.39 and later); a worker that was not started by the spawner (the first
 * one of an application, forked by the shell) is under SCHED_OTHER already, and nothing changes.
 */
import { readdirSync } from 'node:fs';
import type { Koffi } from '../runtime/koffi-loader.js';

const SCHED_OTHER = 0;
const ESRCH = 3;

/** Every thread of this process under SCHED_OTHER, through `libc` (harden.ts's); false if the kernel refused one. */
export function scheduleAsTheApplication(koffi: Koffi, libc: ReturnType<Koffi['load']>): boolean {
  const setScheduler = libc.func('int sched_setscheduler(int pid, int policy, const int *param)') as (pid: number, policy: number, param: number[]) => number;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    // No /proc to list them: the calling thread, which every later thread descends from.
    threads = ['0'];
  }
  let all = true;
  // A thread that exited meanwhile is ESRCH: nothing left to move.
  for (const tid of threads) if (setScheduler(Number(tid), SCHED_OTHER, [0]) !== 0 && koffi.errno() !== ESRCH) all = false;
  return all;
}
