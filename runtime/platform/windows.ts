/**
 * Windows: named pipes under \\.\pipe\, one Job Object per pool (kill-on-job-close), and for a
 * confined worker one of its own nested in it (./win32/job.ts), resources through Win32. The
 * Win32 calls live in ./win32/, bound through koffi on first use.
 */
import type { WorkerConfinePlan } from '../confine/plan.js';
import { spawnDirect, type HeldChild } from './direct-spawn.js';
import type { Platform, WorkerChild } from './platform.js';
import { JobIsolation } from './win32/job.js';
import { workerMemoryCeiling } from './win32/pe.js';
import { sampleWin32 } from './win32/resources.js';

export const windowsPlatform: Platform = {
  name: 'win32',
  // Non-detached children land in libuv's kill-on-close job, and the pool's job nests inside it.
  detachWorkers: false,
  async createPipeHome() {
    return undefined;
  },
  pipePath(_home, prefix, name) {
    return `\\\\.\\pipe\\${prefix}-${name}`;
  },
  async removePipeHome() {},
  sampleResources: sampleWin32,
  // A 32-bit node.exe worker (for a 32-bit COM server or DLL) addresses 2 GiB, or 4 GiB if large-address-aware.
  workerMemoryCeilingBytes: workerMemoryCeiling,
  openIsolation(options) {
    const job = new JobIsolation(options);
    const confined = new WeakMap<WorkerChild, { child: HeldChild; plan: WorkerConfinePlan }>();
    return {
      // detachWorkers is read at each spawn: the Windows tests switch it on the compiled object.
      // A kill ends the worker alone; what it started stays in the pool's job until close.
      spawn: (request) => {
        const plan = (request.bootstrap as { confine?: WorkerConfinePlan }).confine;
        // A confined worker reads its bootstrap, and so checks itself, only once it is in its job.
        const child = spawnDirect(request, { detached: windowsPlatform.detachWorkers, groupKill: false, holdBootstrap: plan?.windows !== undefined });
        if (plan?.windows !== undefined) confined.set(child, { child, plan });
        return child;
      },
      adopt: (child) => {
        const held = confined.get(child);
        job.adopt(child, held === undefined ? undefined : { childProcesses: held.plan.childProcesses });
        held?.child.releaseBootstrap();
      },
      close: () => job.close(),
    };
  },
};
