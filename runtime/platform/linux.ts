/** Linux: POSIX pipes and process groups, resources from /proc, cgroup v2 memory limits where delegated. */
import { limitInCgroup, probeCgroupV2, removeCgroup } from './cgroup.js';
import { spawnDirect } from './direct-spawn.js';
import { sampleLinux } from './linux-resources.js';
import type { IsolationOptions, Platform, PoolIsolation } from './platform.js';
import { posixBase } from './posix.js';

let poolCount = 0;

/**
 * Workers are spawned detached, each leading its own process group. With a hard memory limit
 * and a delegated cgroup v2 memory controller, each worker also gets a group of its own with
 * memory.max (the kernel's OOM killer then ends it, not the machine). RLIMIT_DATA, set by the
 * worker itself, applies either way.
 */
function openIsolation(options: IsolationOptions): PoolIsolation {
  const limit = options.processMemoryLimitBytes;
  const groups = new Set<string>();
  const pool = `process-sandbox-${process.pid}-${++poolCount}`;
  return {
    spawn: (request) => spawnDirect(request, { detached: true, groupKill: true }),
    async adopt(child) {
      if (limit === undefined) return;
      const probe = await probeCgroupV2();
      if (!probe.usable || child.pid === undefined) return;
      groups.add(await limitInCgroup(probe.dir, `${pool}-${child.pid}`, child.pid, limit));
    },
    close() {
      for (const group of groups) void removeCgroup(group);
      groups.clear();
    },
  };
}

export const linuxPlatform: Platform = { ...posixBase, name: 'linux', sampleResources: sampleLinux, openIsolation };
