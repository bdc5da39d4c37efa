/** Windows: named pipes under \\.\pipe\. Job Objects come with the isolation work (see docs/platforms.md). */
import { NO_ISOLATION, type Platform } from './platform.js';
import { UNMEASURED } from './resources.js';

export const windowsPlatform: Platform = {
  name: 'win32',
  // libuv already puts non-detached children in a kill-on-close job.
  detachWorkers: false,
  async createPipeHome() {
    return undefined;
  },
  pipePath(_home, prefix, name) {
    return `\\\\.\\pipe\\${prefix}-${name}`;
  },
  async removePipeHome() {},
  killTree(child, signal) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { child.kill(signal); } catch { /* already gone */ }
  },
  // Win32 sampling (K32GetProcessMemoryInfo, GetGuiResources, GetProcessHandleCount) comes with the isolation work.
  async sampleResources() {
    return UNMEASURED;
  },
  // The pool's own Job Object (kill-on-job-close) comes with the isolation work; until then
  // libuv's job, which holds every non-detached child, is what kills workers with their parent.
  openIsolation: () => NO_ISOLATION,
};
