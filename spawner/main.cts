/**
 * The spawner (Linux): a small process, one per application, that starts the application's
 * workers and holds everything they start, so that nothing of a worker's tree outlives the
 * application, even when the application dies by SIGKILL. The application talks to it over
 * Node's IPC channel (runtime/platform/spawner-client.ts is the other end,
 * runtime/protocol/spawner-messages.ts the messages).
 *
 * - It is a child subreaper (PR_SET_CHILD_SUBREAPER): a process whose parent dies is
 *   re-parented to its nearest living subreaper ancestor instead of init, so whatever a dead
 *   worker left behind, detached or not, becomes a child of the spawner, where it can be found,
 *   killed and reaped. Each worker is a subreaper too (worker-template/harden.ts), so while a
 *   worker lives its descendants stay under it: a child of the spawner that is not a live worker
 *   is always the orphan of a dead one. When a worker exits, the spawner kills the worker's
 *   process group and every such orphan, reaps them, and only then reports the worker gone.
 * - The application's end is the channel's EOF ('disconnect'), with the parent-death signal
 *   (SIGTERM) as a second trigger: it then SIGKILLs every worker's process group and every
 *   child it has, reaps them until none is left (descendants re-parent to it as their parents
 *   die), and exits.
 * - Workers die with it: each sets its own parent-death signal (SIGKILL) against this process.
 * - libuv waits only for the pids it spawned (the workers). Orphans are reaped here by pid, with
 *   waitpid(pid, WNOHANG) on pids seen as children in the same pass; never waitpid(-1), which
 *   could take a worker's exit status from libuv.
 * - The application's first worker may boot beside this process rather than after it: the
 *   application then starts `/bin/sh`, which forks the worker and execs this file in its own pid
 *   (so the worker is this process's child all the same) and names the worker in argv. libuv did
 *   not spawn that one: it is waited for here, by pid, on SIGCHLD. See spawner-client.ts.
 *
 * CommonJS in one file with nothing but Node's own modules (and koffi, loaded while the first
 * worker boots): on Node 20 a CommonJS entry reaches its first line about 10 ms sooner than an
 * ES module one, and the first worker's start waits for it. tsc compiles it; then
 * worker-template/bundle.mjs bundles it with the one library module it imports (koffi-loader).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see above */
import type * as ChildProcesses from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type * as Files from 'node:fs';
import type * as Os from 'node:os';
import type { Readable } from 'node:stream';
import type { Koffi } from '../runtime/koffi-loader.js' with { 'resolution-mode': 'import' };
import type { FromSpawner, ToSpawner } from '../runtime/protocol/spawner-messages.js';

const { spawn } = require('node:child_process') as typeof ChildProcesses;
const { existsSync, readdirSync, readFileSync } = require('node:fs') as typeof Files;
const { constants } = require('node:os') as typeof Os;

/** How long a worker's leftovers may take to die before the worker is reported gone anyway. */
const SWEEP_TIMEOUT_MS = 2000;
/** How long everything may take to die once the application is gone. */
const DRAIN_TIMEOUT_MS = 5000;
/** Between passes while orphans are dying: SIGKILL takes effect when the target is next scheduled. */
const PASS_INTERVAL_MS = 2;
const PR_SET_PDEATHSIG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
const SCHED_BATCH = 3;

const applicationPid = Number(process.argv[2]);
/** A worker: one libuv spawned (and reaps), or the first one, forked by the shell that became this process. */
type Worker = Pick<ChildProcess, 'pid' | 'kill'>;
/** Workers not yet reaped, by pid; the sweeps never reap them. */
const workers = new Map<number, Worker>();
/** The same, by the application's id, for kill requests. */
const byId = new Map<number, Worker>();
/** The worker the shell forked before it became this process, with the application's id for it, until it is reaped. */
let forked: { readonly pid: number; readonly id: number } | undefined = process.argv[3] === undefined ? undefined
  : { pid: Number(process.argv[3]), id: Number(process.argv[4]) };
/** waitpid(pid, &status, WNOHANG) for the forked worker: its pid and wait status once it has exited, 0 while it runs. */
let waitForked: ((pid: number, status: number[]) => number) | undefined;
/** Reaps one child by pid without waiting: its pid when reaped, 0 while it runs. Set once armed. */
let reap: ((pid: number) => number) | undefined;
/** Messages held until armed, so no worker is reported running before its tree is held. */
let held: { message: FromSpawner; done: (() => void) | undefined }[] | undefined = [];
let stopping = false;
let sweeping: Promise<void> | undefined;

const isWorker = (pid: number): boolean => workers.has(pid);

// Listen first: the application's first spawn request is already waiting on the channel.
process.on('message', (message: ToSpawner) => {
  if (stopping) return;
  if (message.t === 'spawn') onSpawn(message);
  else if (message.t === 'kill') onKill(message.id, message.signal);
});
process.on('disconnect', () => void shutdown(0));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
process.on('uncaughtException', (error) => {
  process.stderr.write(`[process-sandbox] spawner ${process.pid} failed: ${error.stack ?? String(error)}\n`);
  void shutdown(70);
});

// Armed after the first spawn request is handled: koffi loads while the first worker boots. No
// worker runs user code before it is reported running (it waits for the application's go-ahead).
// koffi's native module by path (runtime/koffi-loader.ts, bundled into this file by
// worker-template/bundle.mjs): its package entry cost the spawner's arming 3-4 ms more on Node 20,
// and the application's first worker waits for it.
const armed = new Promise<void>((resolve) => setImmediate(resolve))
  .then(async () => (await import('../runtime/koffi-loader.js')).loadKoffi())
  .then(arm);
armed.catch((error: unknown) => {
  const gone = getppidMismatch(error);
  if (!gone) process.stderr.write(`[process-sandbox] spawner ${process.pid}: ${(error as Error).message}\n`);
  void shutdown(gone ? 0 : 1);
});

/**
 * Makes this process a subreaper that gets SIGTERM when the application dies, then checks the
 * application is still its parent (it may have died before the prctl).
 */
function arm(koffi: Koffi): void {
  const libc = koffi.load('libc.so.6');
  const prctl = libc.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)') as (...args: number[]) => number;
  const getppid = libc.func('int getppid()') as () => number;
  const waitpid = libc.func('int waitpid(int pid, int *status, int options)') as (pid: number, status: null, options: number) => number;
  const waitStatus = libc.func('int waitpid(int pid, _Out_ int *status, int options)') as (pid: number, status: number[], options: number) => number;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) {
    throw new Error('prctl(PR_SET_CHILD_SUBREAPER) failed (it needs Linux 3.4 or later): what workers start could outlive the application, so the spawner will not run');
  }
  if (prctl(PR_SET_PDEATHSIG, constants.signals.SIGTERM, 0, 0, 0) !== 0) {
    throw new Error('prctl(PR_SET_PDEATHSIG) failed: the spawner would not notice the application dying');
  }
  if (getppid() !== applicationPid) throw Object.assign(new Error(`the application (pid ${applicationPid}) exited before the spawner started`), { applicationGone: true });
  // SCHED_BATCH: woken, this process does not preempt the one running on its CPU. A spawn request
  // wakes it from the application's own write, and under SCHED_OTHER it often took the CPU there
  // and then, so that the application's send returned only once the fork was done (0.6-0.7 ms
  // against 0.03 on this kind of machine, of each replacement's event-loop stall). Workers inherit
  // it while they boot, for the same reason, and leave it before user code loads
  // (worker-template/scheduling.ts). Its share of the CPU is unchanged; if refused, nothing else is.
  const setScheduler = libc.func('int sched_setscheduler(int pid, int policy, const int *param)') as (pid: number, policy: number, param: number[]) => number;
  setScheduler(0, SCHED_BATCH, [0]);
  reap = (pid) => waitpid(pid, null, WNOHANG);
  waitForked = (pid, status) => waitStatus(pid, status, WNOHANG);
  const queue = held ?? [];
  held = undefined;
  for (const { message, done } of queue) post(message, done);
  if (forked !== undefined) {
    process.on('SIGCHLD', checkForked);
    // It may have exited before the listener was there.
    checkForked();
  }
}

function getppidMismatch(error: unknown): boolean {
  return (error as { applicationGone?: boolean }).applicationGone === true;
}

/** Sends to the application; false when the channel is backed up (then `done` says when it has room). */
function post(message: FromSpawner, done?: () => void): boolean {
  if (held !== undefined) {
    held.push({ message, done });
    return true;
  }
  if (!process.connected) return true;
  return process.send!(message, undefined, {}, () => done?.());
}

// ---- workers ------------------------------------------------------------------------------------

if (forked !== undefined) adoptForked(forked.pid, forked.id);

/** The worker the shell forked: held like the others; its output and stdin are the application's own pipes. */
function adoptForked(pid: number, id: number): void {
  const worker: Worker = {
    pid,
    kill: (signal) => {
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
  workers.set(pid, worker);
  byId.set(id, worker);
  post({ t: 'spawned', id, pid });
}

/** Reaps the forked worker if it has exited (SIGCHLD says some child has). */
function checkForked(): void {
  if (forked === undefined || waitForked === undefined) return;
  const status = [0];
  if (waitForked(forked.pid, status) !== forked.pid) return;
  const { pid, id } = forked;
  // The listener stays: removing the last one would hand SIGCHLD back to its default disposition
  // under libuv's own child watcher, for nothing; it costs a check per child's exit.
  forked = undefined;
  const raw = status[0]!;
  // WIFSIGNALED: the low 7 bits name the signal; else WEXITSTATUS is the next byte.
  const signalNumber = raw & 0x7f;
  const signal = signalNumber === 0 ? null : (Object.entries(constants.signals).find(([, n]) => n === signalNumber)?.[0] ?? 'SIGKILL') as NodeJS.Signals;
  onWorkerExit(pid, id, signal === null ? (raw >> 8) & 0xff : null, signal);
}

/** The environments the application has sent, by its number for each. */
const environments = new Map<number, NodeJS.ProcessEnv>();

function onSpawn(request: Extract<ToSpawner, { t: 'spawn' }>): void {
  const { id } = request;
  if (request.env !== undefined) environments.set(request.envId, request.env as NodeJS.ProcessEnv);
  const env = environments.get(request.envId);
  if (env === undefined) {
    post({ t: 'failed', id, code: undefined, message: `the spawner was sent no environment number ${request.envId} (a bug in process-sandbox)` });
    return;
  }
  let child: ChildProcess;
  try {
    child = spawn(request.executable, request.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
      cwd: request.cwd,
      // Its own process group, so a kill takes its plain children too.
      detached: true,
    });
  } catch (error) {
    post({ t: 'failed', id, code: (error as NodeJS.ErrnoException).code, message: (error as Error).message });
    return;
  }
  const pid = child.pid;
  if (pid === undefined) {
    // ENOENT, EACCES: 'error' follows, and no exit.
    child.once('error', (error: NodeJS.ErrnoException) => post({ t: 'failed', id, code: error.code, message: error.message }));
    return;
  }
  workers.set(pid, child);
  byId.set(id, child);
  child.on('error', () => { /* a failed kill: the exit, or the drain, settles it */ });
  child.stdin!.on('error', () => {});
  child.stdin!.end(`${JSON.stringify({ ...request.bootstrap, parentPid: process.pid })}\n`);
  post({ t: 'spawned', id, pid });
  forward(id, child.stdout!, 1);
  forward(id, child.stderr!, 2);
  child.once('exit', (code, signal) => onWorkerExit(pid, id, code, signal));
}

function onWorkerExit(pid: number, id: number, code: number | null, signal: NodeJS.Signals | null): void {
  workers.delete(pid);
  byId.delete(id);
  post({ t: 'exit', id, code, signal });
  // Its process group first (its plain children), then every orphan it left, detached or not:
  // they re-parented to this process when it died.
  kill(-pid);
  void armed.then(sweep).finally(() => post({ t: 'gone', id }));
}

function onKill(id: number, signal: NodeJS.Signals): void {
  const child = byId.get(id);
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* exiting */ }
  }
}

/** Output goes to the application as it comes, and the worker waits while the channel is backed up. */
function forward(id: number, stream: Readable, fd: 1 | 2): void {
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    if (!post({ t: 'out', id, fd, text }, () => stream.resume())) stream.pause();
  });
  stream.on('end', () => post({ t: 'eof', id, fd }));
  stream.on('error', () => {});
}

// ---- reaping ------------------------------------------------------------------------------------

/**
 * Kills and reaps every child that is not a live worker, again as their own children re-parent
 * here, until there is none (or SWEEP_TIMEOUT_MS). A call during a sweep joins it: the sweep
 * looks again after the call, since it only ends on a pass that found nothing.
 */
function sweep(): Promise<void> {
  sweeping ??= passes(false, SWEEP_TIMEOUT_MS).finally(() => { sweeping = undefined; });
  return sweeping;
}

/** The application is gone (or done with us): kill everything, reap it all, exit. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const pid of workers.keys()) {
    kill(-pid);
    kill(pid);
  }
  await armed.catch(() => {});
  if (reap !== undefined) await passes(true, DRAIN_TIMEOUT_MS);
  process.exit(code);
}

/** Passes over this process's children until a pass finds none to wait for; workers count only when `all`. */
async function passes(all: boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let left = 0;
    for (const pid of childrenOfThisProcess()) {
      if (isWorker(pid)) {
        if (!all) continue;
        // libuv reaps it once it is dead.
        left++;
        kill(-pid);
        kill(pid);
        continue;
      }
      // Our own unreaped child: its pid cannot have been reused, so the kill and the wait are safe.
      kill(pid);
      if (reap!(pid) !== pid) left++;
    }
    if (left === 0 || Date.now() >= end) return;
    await new Promise((resolve) => setTimeout(resolve, PASS_INTERVAL_MS));
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone, or (for a process group) no member left.
  }
}

/** Whether the kernel lists each thread's children (CONFIG_PROC_CHILDREN); else /proc is scanned. */
const childrenFiles = existsSync(`/proc/self/task/${process.pid}/children`);

/** The pids whose parent is this process, zombies included. */
function childrenOfThisProcess(): number[] {
  const pids: number[] = [];
  if (childrenFiles) {
    // A child belongs to the thread that forked it, or (re-parented) to any of ours: read them all.
    for (const task of readdirSync('/proc/self/task')) {
      for (const pid of readText(`/proc/self/task/${task}/children`).split(' ')) if (pid.length > 0) pids.push(Number(pid));
    }
    return pids;
  }
  for (const name of readdirSync('/proc')) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const stat = readText(`/proc/${name}/stat`);
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2);
    if (Number(fields[1]) === process.pid) pids.push(Number(name));
  }
  return pids;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}
