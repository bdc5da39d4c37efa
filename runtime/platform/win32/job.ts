/**
 * One Job Object per pool, with kill-on-job-close: when the last handle to the job closes (the
 * pool closes, or the parent dies by any means, TerminateProcess included), Windows kills every
 * process in it. The handle is not inheritable, so no worker keeps its own job alive.
 *
 * Workers spawned the usual way are already in the job libuv makes for the children of every
 * Node process; ours nests inside it (Windows 8 and later, and Wine, nest jobs). Ours allows no
 * breakaway, so whatever a worker starts stays in the pool's job too, even though libuv's job
 * lets children break away silently. The job also sets DIE_ON_UNHANDLED_EXCEPTION, so a worker
 * that crashes in native code dies at once instead of waiting on an error-reporting dialog.
 *
 * A confined worker (docs/confinement.md) then goes into a job of its own, nested in the pool's:
 * JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1 without childProcesses (a limit on the pool's job would count
 * every worker), and every UI restriction. Windows applies the strictest limit of the jobs a
 * process is in, so the pool's kill-on-close still holds. The handle is closed at once: a job
 * lives, with its limits, as long as a process is in it, and without kill-on-close closing it
 * kills nothing.
 */
import type { IsolationOptions } from '../platform.js';
import {
  JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOB_OBJECT_LIMIT_PROCESS_MEMORY,
  JOB_OBJECT_UILIMIT_ALL, JobObjectBasicUIRestrictions, JobObjectExtendedLimitInformation, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SET_QUOTA, PROCESS_TERMINATE, STILL_ACTIVE, win32, type Handle,
} from './api.js';

/** size_t's ceiling in a 32-bit process: a larger limit could not be expressed. */
const MAX_32BIT_SIZE = 0xffff_ffff;

export class JobIsolation {
  readonly #options: IsolationOptions;
  #job: Handle | undefined;
  #closed = false;

  constructor(options: IsolationOptions) {
    this.#options = options;
  }

  /**
   * Puts the worker in the pool's job, and a confined one in its own job within it; the worker
   * waits for the go-ahead until this returns.
   */
  adopt(child: { readonly pid: number | undefined }, confine?: { readonly childProcesses: boolean }): void {
    if (this.#closed) throw new Error('the pool\'s Job Object is closed');
    if (child.pid === undefined) throw new Error('the worker has no process id (it did not start)');
    const api = win32();
    const job = this.#openJob();
    const worker = api.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, 0, child.pid);
    if (worker === null) throw new Error(`OpenProcess(${child.pid}) failed with Win32 error ${api.GetLastError()}`);
    try {
      if (api.AssignProcessToJobObject(job, worker) === 0) {
        const error = api.GetLastError();
        // A worker that already died (bad execArgv, a crash at boot) cannot join a job; its exit,
        // with its code and stderr, is the failure worth reporting, and it follows on its own.
        const code = [0];
        if (api.GetExitCodeProcess(worker, code) !== 0 && code[0] !== STILL_ACTIVE) return;
        throw new Error(`AssignProcessToJobObject failed with Win32 error ${error}: the worker is not in the pool's Job Object, so it could outlive this process`);
      }
      if (confine !== undefined) confineInOwnJob(worker, confine.childProcesses);
    } finally {
      api.CloseHandle(worker);
    }
  }

  /** Closes the job: Windows kills whatever is still in it (a worker's leftover children). */
  close(): void {
    this.#closed = true;
    if (this.#job === undefined) return;
    win32().CloseHandle(this.#job);
    this.#job = undefined;
  }

  /** Made on the first worker, so a pool that never starts one makes no job and loads no koffi. */
  #openJob(): Handle {
    if (this.#job !== undefined) return this.#job;
    const api = win32();
    const job = api.CreateJobObjectW(null, null);
    if (job === null) throw new Error(`CreateJobObjectW failed with Win32 error ${api.GetLastError()}`);
    let flags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    let memoryLimit = 0;
    const limit = this.#options.processMemoryLimitBytes;
    if (limit !== undefined) {
      flags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY;
      memoryLimit = process.arch === 'ia32' ? Math.min(limit, MAX_32BIT_SIZE) : limit;
    }
    const size = api.koffi.sizeof(api.structs.JOBOBJECT_EXTENDED_LIMIT_INFORMATION);
    const info = { BasicLimitInformation: { LimitFlags: flags }, ProcessMemoryLimit: memoryLimit };
    if (api.SetInformationJobObject(job, JobObjectExtendedLimitInformation, info, size) === 0) {
      const error = api.GetLastError();
      api.CloseHandle(job);
      throw new Error(`SetInformationJobObject (kill on job close) failed with Win32 error ${error}`);
    }
    this.#job = job;
    return job;
  }
}

/** The confined worker's own job, nested in the pool's (it must join the pool's first). */
function confineInOwnJob(worker: Handle, childProcesses: boolean): void {
  const api = win32();
  const job = api.CreateJobObjectW(null, null);
  if (job === null) throw new Error(`CreateJobObjectW (the worker's own job) failed with Win32 error ${api.GetLastError()}`);
  try {
    const fail = (what: string): never => { throw new Error(`${what} failed with Win32 error ${api.GetLastError()}: the worker cannot be confined`); };
    // Kill-on-close stays the pool's; this one ends when its process does.
    const flags = JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION | (childProcesses ? 0 : JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    const size = api.koffi.sizeof(api.structs.JOBOBJECT_EXTENDED_LIMIT_INFORMATION);
    if (api.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { BasicLimitInformation: { LimitFlags: flags, ActiveProcessLimit: 1 }, ProcessMemoryLimit: 0 }, size) === 0) fail('SetInformationJobObject (ActiveProcessLimit 1)');
    if (api.AssignProcessToJobObject(job, worker) === 0) fail('AssignProcessToJobObject (the worker\'s own job, nested in the pool\'s)');
    // After the assignment: Windows nests no job that has UI limits already.
    if (api.SetJobUiRestrictions(job, JobObjectBasicUIRestrictions, [JOB_OBJECT_UILIMIT_ALL], 4) === 0) fail('SetInformationJobObject (UI restrictions on the worker\'s nested job)');
  } finally {
    api.CloseHandle(job);
  }
}
