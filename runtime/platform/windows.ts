/**
 * Windows: named pipes under \\.\pipe\, one Job Object per pool (kill-on-job-close), resources
 * through Win32. The Win32 calls live in ./win32/, bound through koffi on first use.
 */
import { spawnDirect } from './direct-spawn.js';
import type { Platform } from './platform.js';
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
    return {
      // detachWorkers is read at each spawn: the Windows tests switch it on the compiled object.
      // A kill ends the worker alone; what it started stays in the pool's job until close.
      spawn: (request) => spawnDirect(request, { detached: windowsPlatform.detachWorkers, groupKill: false }),
      adopt: (child) => job.adopt(child),
      close: () => job.close(),
    };
  },
};
