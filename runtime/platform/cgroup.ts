/**
 * cgroup v2 memory limits, used only where the machine delegates them to this process: a
 * unified hierarchy whose memory controller this process's cgroup may hand to children it
 * creates. Probed once; on cgroup v1 or hybrid machines (the memory controller lives in v1) and
 * without write access, the probe says why and the pool relies on RLIMIT_DATA alone.
 */
import { access, constants, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CgroupProbe = { readonly usable: true; readonly mount: string; readonly dir: string } | { readonly usable: false; readonly reason: string };

let probed: Promise<CgroupProbe> | undefined;

export function probeCgroupV2(): Promise<CgroupProbe> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<CgroupProbe> {
  let mount: string | undefined;
  for (const candidate of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (await readable(join(candidate, 'cgroup.controllers'))) { mount = candidate; break; }
  }
  if (mount === undefined) return { usable: false, reason: 'no cgroup v2 hierarchy is mounted (cgroup v1 only)' };
  const own = /^0::(.*)$/m.exec(await readFile('/proc/self/cgroup', 'utf8').catch(() => ''))?.[1];
  if (own === undefined) return { usable: false, reason: 'this process is in no cgroup v2 group' };
  const dir = join(mount, own);
  const controllers = (await readFile(join(dir, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
  if (!controllers.includes('memory')) {
    return { usable: false, reason: `the memory controller is not available in ${dir} (${mount === '/sys/fs/cgroup' ? 'not enabled by the parent group' : 'hybrid mode: memory is managed by cgroup v1'})` };
  }
  const subtree = (await readFile(join(dir, 'cgroup.subtree_control'), 'utf8').catch(() => '')).split(/\s+/);
  if (!subtree.includes('memory')) {
    return { usable: false, reason: `${dir} does not delegate the memory controller to its children (cgroup.subtree_control lacks "memory")` };
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    return { usable: false, reason: `${dir} is not writable by this process: the cgroup is not delegated` };
  }
  return { usable: true, mount, dir };
}

/** Puts a worker in a child group of its own with memory.max; returns the group to remove later. */
export async function limitInCgroup(dir: string, name: string, pid: number, memoryMaxBytes: number): Promise<string> {
  const group = join(dir, name);
  await mkdir(group);
  await writeFile(join(group, 'memory.max'), String(memoryMaxBytes));
  await writeFile(join(group, 'cgroup.procs'), String(pid));
  return group;
}

export async function removeCgroup(group: string): Promise<void> {
  await rmdir(group).catch(() => { /* still has a process, or gone */ });
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
