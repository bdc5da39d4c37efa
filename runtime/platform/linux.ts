/**
 * Linux: POSIX pipes, workers started by the application's spawner (which holds their whole
 * trees), resources and attached debuggers from /proc, cgroup v2 memory limits where delegated.
 */
import { limitInCgroup, probeCgroupV2, removeCgroup } from './cgroup.js';
import { debuggerAttachedLinux } from './linux-debugger.js';
import { sampleLinux } from './linux-resources.js';
import type { IsolationOptions, Platform, PoolIsolation } from './platform.js';
import { posixBase } from './posix.js';
import { leaseSpawner } from './spawner-client.js';

let poolCount = 0;

/**
 * Workers are started by the spawner (./spawner-client.ts), leased for the pool's life. With a
 * hard memory limit and a delegated cgroup v2 memory controller, each worker also gets a group
 * of its own with memory.max (the kernel's OOM killer then ends it, not the machine).
 * RLIMIT_DATA, set by the worker itself, applies either way.
 */
function openIsolation(options: IsolationOptions): PoolIsolation {
  const spawner = leaseSpawner();
  const limit = options.processMemoryLimitBytes;
  const groups = new Set<string>();
  const pool = `process-sandbox-${process.pid}-${++poolCount}`;
  return {
    spawn: (request) => spawner.spawn(request),
    async adopt(child) {
      if (limit === undefined) return;
      const probe = await probeCgroupV2();
      if (!probe.usable || child.pid === undefined) return;
      groups.add(await limitInCgroup(probe.dir, `${pool}-${child.pid}`, child.pid, limit));
    },
    close() {
      for (const group of groups) void removeCgroup(group);
      groups.clear();
      return spawner.release();
    },
  };
}

export const linuxPlatform: Platform = { ...posixBase, name: 'linux', sampleResources: sampleLinux, debuggerAttached: debuggerAttachedLinux, openIsolation };
